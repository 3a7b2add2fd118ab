// Small helpers shared by the simulator: cloning, equality, ids and timestamps.
import { randomBytes, randomUUID } from 'node:crypto';

export function clone<T>(v: T): T {
  return structuredClone(v);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural equality that ignores key order (JSON values only). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

export function newUid(): string {
  return randomUUID();
}

const SUFFIX_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** The 5-character suffix generateName and controllers append, from the same alphabet as Kubernetes. */
export function randomSuffix(n = 5): string {
  const bytes = randomBytes(n);
  let s = '';
  for (const b of bytes) s += SUFFIX_CHARS[b % SUFFIX_CHARS.length];
  return s;
}

/** metav1.Time: RFC 3339 to the second. */
export function nowTime(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** metav1.MicroTime: RFC 3339 with six fractional digits. */
export function nowMicroTime(): string {
  return new Date().toISOString().replace(/Z$/, '000Z');
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** Reads a dotted path ("spec.nodeName") from a JSON object. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}
