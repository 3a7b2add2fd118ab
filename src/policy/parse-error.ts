/** A policy the server cannot use: `field` is its path in the object (`spec.pools[1].maxUnavailable`). */
export class PolicyError extends Error {
  readonly code = 'ERR_POLICY';

  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'PolicyError';
  }
}

/** A lower-case name (pools, blockers): letters, digits and dashes, as a DNS label. */
export const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `v` as an object (absent: empty), or a `PolicyError` naming `field`. */
export function object(v: unknown, field: string): Obj {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw new PolicyError(field, 'must be an object');
  return v;
}
