// Every status a refusal kind is answered with: its own, plus the HTTP-level ones a few requests need.
import { REFUSAL_STATUS, type RefusalKind } from '../fleetlock/refusal.js';

/** Statuses besides `REFUSAL_STATUS[kind]`, each for one documented class of request. */
const HTTP_LEVEL_STATUS: Readonly<Partial<Record<RefusalKind, readonly number[]>>> = {
  // 408 too slow, 413 body or chunk extensions too large, 417 unknown Expect, 431 headers too large.
  bad_request: [408, 413, 417, 431],
  // 405 a FleetLock path asked with another method than POST.
  not_found: [405],
};

/** The statuses `kind` may be answered with, its own first. */
export function statusesOf(kind: RefusalKind): readonly number[] {
  return [REFUSAL_STATUS[kind], ...(HTTP_LEVEL_STATUS[kind] ?? [])];
}
