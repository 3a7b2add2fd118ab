// The same request to a real API server and to the simulator, answers normalised for comparison (parity e2e suite).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request, type Dispatcher } from 'undici';
import type { ControlPlane } from '../../kit/control-plane.js';
import type { KubeSim, SimUser } from '../../src/sim/kube/index.js';

export type PatchKind = 'merge' | 'strategic' | 'json';
const PATCH_TYPES: Record<PatchKind, string> = { merge: 'application/merge-patch+json', strategic: 'application/strategic-merge-patch+json', json: 'application/json-patch+json' };

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON (read fields with getPath), or the text. */
  body: unknown;
}

export interface WatchRecord {
  /** Events in order, each with the ms since the watch opened. */
  events: { type: string; object: Record<string, unknown>; atMs: number }[];
  status: number;
}

/** One API server, real or simulated, spoken to over HTTP as the admin (or a bearer token). */
export interface Side {
  readonly name: 'real' | 'sim';
  call(method: string, path: string, body?: unknown, patch?: PatchKind, token?: string): Promise<Answer>;
  /** Reads a watch until `stop` says so, the stream ends, or `maxMs` passes. */
  watch(path: string, maxMs: number, stop?: (events: WatchRecord['events']) => boolean): Promise<WatchRecord>;
}

async function send(dispatcher: Dispatcher, url: string, method: string, headers: Record<string, string>, body?: unknown, patch?: PatchKind): Promise<Answer> {
  const h: Record<string, string> = { accept: 'application/json', ...headers };
  if (body !== undefined) h['content-type'] = patch ? PATCH_TYPES[patch] : 'application/json';
  const res = await request(url, { method: method as 'GET', dispatcher, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.body.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.statusCode, headers: res.headers, body: parsed };
}

async function readWatch(dispatcher: Dispatcher, url: string, headers: Record<string, string>, maxMs: number, stop: (events: WatchRecord['events']) => boolean): Promise<WatchRecord> {
  const started = Date.now();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), maxMs);
  const events: WatchRecord['events'] = [];
  let status = 0;
  try {
    const res = await request(url, { dispatcher, headers: { accept: 'application/json', ...headers }, signal: abort.signal });
    status = res.statusCode;
    let buffer = '';
    for await (const chunk of res.body) {
      buffer += (chunk as Buffer).toString('utf8');
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i).trim();
        buffer = buffer.slice(i + 1);
        if (line) events.push({ ...(JSON.parse(line) as { type: string; object: Record<string, unknown> }), atMs: Date.now() - started });
      }
      if (stop(events)) break;
    }
  } catch (err) {
    if (!abort.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return { events, status };
}

export function realSide(plane: ControlPlane): Side & { close(): Promise<void> } {
  const pem = (f: string) => readFileSync(join(plane.dir, f));
  const admin = new Agent({ connect: { ca: pem('ca.crt'), cert: pem('admin.crt'), key: pem('admin.key') } });
  const anonymous = new Agent({ connect: { ca: pem('ca.crt') } });
  return {
    name: 'real',
    call: (method, path, body, patch, token) => send(token ? anonymous : admin, plane.server + path, method, token ? { authorization: `Bearer ${token}` } : {}, body, patch),
    watch: (path, maxMs, stop = () => false) => readWatch(admin, plane.server + path, {}, maxMs, stop),
    close: async () => {
      await admin.close();
      await anonymous.close();
    },
  };
}

export function simSide(sim: KubeSim): Side & { tokenOf(user: SimUser): string; close(): Promise<void> } {
  const agent = new Agent();
  const bearer = (token?: string) => ({ authorization: `Bearer ${token ?? sim.token('admin')}` });
  return {
    name: 'sim',
    call: (method, path, body, patch, token) => send(agent, sim.url + path, method, bearer(token), body, patch),
    watch: (path, maxMs, stop = () => false) => readWatch(agent, sim.url + path, bearer(), maxMs, stop),
    tokenOf: (user) => sim.token(user),
    close: () => agent.close(),
  };
}

const UID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g;

/** A copy with uids, times, resourceVersions and continue tokens (decoded, rv dropped) made comparable. */
export function normalise(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(UID, '<uid>').replace(TIME, '<time>');
  if (Array.isArray(v)) return v.map(normalise);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'resourceVersion' && typeof x === 'string') out[k] = '<rv>';
    else if (k === 'managedFields') continue;
    else if (k === 'continue' && typeof x === 'string') out[k] = decodeToken(x);
    else out[k] = normalise(x);
  }
  return out;
}

/** A continue token's JSON with its resourceVersion replaced by its sign (every real rv differs from the simulator's). */
export function decodeToken(token: string): unknown {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv?: number };
    return { ...t, rv: typeof t.rv === 'number' ? Math.sign(t.rv) : t.rv };
  } catch {
    return token;
  }
}
