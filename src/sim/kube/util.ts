// Small helpers shared by the simulator: cloning, equality, ids and timestamps.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../clock/clock.js';
import { systemClock } from '../../clock/clock.js';

/** A deep copy of a JSON value (what the store holds): several times faster than structuredClone. */
export function clone<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map((item: unknown) => clone(item)) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v)) out[key] = clone((v as Record<string, unknown>)[key]);
  return out as T;
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

/** Where the store takes new uids and name suffixes from. */
export interface IdSource {
  uid(): string;
  suffix(): string;
}

export const randomIds: IdSource = { uid: newUid, suffix: () => randomSuffix() };

/** Ids drawn from `random` (0 <= x < 1): a seeded simulation names replacement pods the same way every run. */
export function seededIds(random: () => number): IdSource {
  const pick = (n: number, chars: string): string => Array.from({ length: n }, () => chars[Math.floor(random() * chars.length)]).join('');
  const hex = '0123456789abcdef';
  return {
    uid: () => `${pick(8, hex)}-${pick(4, hex)}-4${pick(3, hex)}-a${pick(3, hex)}-${pick(12, hex)}`,
    suffix: () => pick(5, SUFFIX_CHARS),
  };
}

/** metav1.Time: RFC 3339 to the second. */
export function timeAt(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** metav1.Time of the clock's now; the sim machinery passes its own clock so a virtual one decides every timestamp. */
export function nowTime(clock: Clock = systemClock): string {
  return timeAt(clock.now());
}

/** metav1.MicroTime: RFC 3339 with six fractional digits. */
export function nowMicroTime(clock: Clock = systemClock): string {
  return new Date(clock.now()).toISOString().replace(/Z$/, '000Z');
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
