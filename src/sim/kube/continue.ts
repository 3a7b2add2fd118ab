// Continue tokens as kube-apiserver writes them: base64url JSON {v, rv, start}, start being the last key served plus NUL.
import { errors, StatusError } from './errors.js';
import type { ResourceType } from './resources.js';
import type { KubeObject } from './types.js';

const VERSION = 'meta.k8s.io/v1';
const EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** Where a list resumes: after the store key `after` ("ns/name", or "/name" when cluster-scoped), read at `rv`. */
export interface ContinueFrom {
  after: string;
  rv: number;
}

function encode(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: VERSION, rv, start: `${start}\u0000` })).toString('base64url');
}

/** The token after `last`: its key relative to the listed collection, "/name" in a namespace, else "/ns/name". */
export function continueToken(t: ResourceType, inNamespace: boolean, last: KubeObject, rv: number): string {
  const name = last.metadata.name ?? '';
  return encode(rv, t.namespaced && !inNamespace ? `/${last.metadata.namespace ?? ''}/${name}` : `/${name}`);
}

/** Go's %q of one byte, as encoding/json quotes an unexpected character. */
function quoteByte(b: number): string {
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 39: "\\'", 92: '\\\\' };
  if (named[b]) return `'${named[b]}'`;
  if (b < 0x20 || b === 0x7f) return `'\\x${b.toString(16).padStart(2, '0')}'`;
  if (b >= 0x80) return `'\\u${b.toString(16).padStart(4, '0')}'`;
  return `'${String.fromCharCode(b)}'`;
}

function invalid(why: string): StatusError {
  return errors.badRequest(`invalid continue token: continue key is not valid: ${why}`);
}

function decodeBase64(token: string): Buffer {
  const bad = [...token].findIndex((c) => !/[A-Za-z0-9_-]/.test(c));
  if (bad >= 0) throw invalid(`illegal base64 data at input byte ${bad}`);
  if (token.length % 4 === 1) throw invalid(`illegal base64 data at input byte ${token.length - 1}`);
  return Buffer.from(token, 'base64url');
}

/** Decodes `token` for a list of `t` (in a namespace or not); 400 with the API server's words when it is not one. */
export function parseContinue(token: string | null, currentRV: number, t: ResourceType, namespace: string): ContinueFrom {
  if (!token) return { after: '', rv: currentRV };
  const data = decodeBase64(token);
  let parsed: { v?: unknown; rv?: unknown; start?: unknown };
  try {
    parsed = JSON.parse(data.toString('latin1')) as typeof parsed;
  } catch {
    throw invalid(`invalid character ${quoteByte(data[0] ?? 0)} looking for beginning of value`);
  }
  if (parsed.v !== VERSION) throw invalid(`server does not recognize this encoded version ${typeof parsed.v === 'string' ? parsed.v : ''}`);
  if (typeof parsed.rv !== 'number' || parsed.rv === 0) throw invalid(`incorrect encoded start resourceVersion (version ${VERSION})`);
  if (typeof parsed.start !== 'string' || parsed.start === '') throw invalid(`encoded start key empty (version ${VERSION})`);
  const start = parsed.start.endsWith('\u0000') ? parsed.start.slice(0, -1) : parsed.start;
  const key = start.replace(/^\//, '');
  const after = !t.namespaced ? `/${key}` : namespace ? `${namespace}/${key}` : key;
  return { after, rv: parsed.rv < 0 ? currentRV : parsed.rv };
}

/** 410 Expired for a token older than the history, carrying a token that goes on inconsistently (rv -1), as etcd3's store does. */
export function continueExpired(t: ResourceType, from: ContinueFrom): StatusError {
  const err = errors.gone(EXPIRED);
  const key = t.namespaced ? from.after : from.after.replace(/^\//, '');
  err.listMeta = { continue: encode(-1, key) };
  return err;
}
