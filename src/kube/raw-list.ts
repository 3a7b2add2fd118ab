import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeClient } from './client.js';
import { KubeError } from './errors.js';
import type { ListPage } from './reflector.js';

interface RawList {
  items?: unknown[];
  metadata?: { resourceVersion?: string; continue?: string };
}

/**
 * One page of a collection as plain JSON. The typed client would decode every field of every
 * 40 KB Node into model objects; for a 5,000-node list that alone costs hundreds of megabytes.
 */
export async function listPage(client: KubeClient, path: string, query: Record<string, string>): Promise<ListPage> {
  const url = new URL(client.server.replace(/\/$/, '') + path);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const opts: RequestOptions = { method: 'GET', headers: { accept: 'application/json' } };
  await client.config.applyToHTTPSOptions(opts);
  const body = await new Promise<string>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, opts, (res) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) return resolve(text);
        reject(statusError(res.statusCode ?? 0, text, path));
      });
      res.on('error', reject);
    });
    req.setTimeout(60_000, () => req.destroy(new KubeError('timeout', `listing ${path}: no answer within 60 s`)));
    req.on('error', reject);
    req.end();
  });
  const list = JSON.parse(body) as RawList;
  return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? '', continueToken: list.metadata?.continue || undefined };
}

function statusError(status: number, text: string, path: string): KubeError {
  let message = text.slice(0, 200);
  let reason: string | undefined;
  try {
    const parsed = JSON.parse(text) as { message?: string; reason?: string };
    message = parsed.message ?? message;
    reason = parsed.reason;
  } catch {
    // not a Status: keep the text
  }
  const code = status === 403 || status === 401 ? 'forbidden' : status === 410 ? 'not_found' : status === 429 ? 'throttled' : 'unavailable';
  return new KubeError(code, `listing ${path}: ${status} ${reason ?? ''} ${message}`.replace(/\s+/g, ' ').trim(), { status, ...(reason ? { reason } : {}) });
}
