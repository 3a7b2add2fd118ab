// The kit's own way into the API server as its admin (client certificate): set-up, assertions and fake kubelets' work.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';

export interface ApiAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
}

export type PatchType = 'merge' | 'strategic' | 'json';
const PATCH_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

export class AdminClient {
  private readonly agent: Agent;

  constructor(readonly server: string, tls: { ca: string; cert: string; key: string }) {
    this.agent = new Agent({
      connect: { ca: readFileSync(tls.ca), cert: readFileSync(tls.cert), key: readFileSync(tls.key) },
      connections: 16,
    });
  }

  /** Any verb on any path; the answer's body parsed as JSON when it is JSON. Never throws on a status. */
  async call<T = unknown>(method: string, path: string, body?: unknown, patch?: PatchType): Promise<ApiAnswer<T>> {
    const contentType = patch ? PATCH_TYPES[patch] : 'application/json';
    const res = await request(this.server + path, {
      method: method as 'GET',
      dispatcher: this.agent,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': contentType },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (e.g. /readyz): keep the text
    }
    return { status: res.statusCode, body: parsed as T };
  }

  /** Like call, but a status outside 2xx is an error naming the call and the server's message. */
  async ok<T = unknown>(method: string, path: string, body?: unknown, patch?: PatchType): Promise<T> {
    const answer = await this.call<T>(method, path, body, patch);
    if (answer.status < 200 || answer.status > 299) {
      const message = (answer.body as { message?: string } | undefined)?.message ?? JSON.stringify(answer.body);
      throw new Error(`${method} ${path}: ${answer.status} ${message}`);
    }
    return answer.body;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
