// How each FleetLock request was answered, for the request counter: granted/ok or the refusal kind.
import type { FleetLockEndpoint } from './endpoint.js';
import type { RefusalKind } from './refusal.js';

/** `granted` (pre-reboot 200), `ok` (steady-state 200), or the refusal kind: a small fixed set. */
export type AnswerLabel = 'granted' | 'ok' | RefusalKind;

/** Told once per answered request, by the HTTP layer where the answer is sent. */
export interface FleetLockOutcomes {
  /** `endpoint` is undefined when the path named no FleetLock endpoint (or the request never reached routing). */
  answered(endpoint: FleetLockEndpoint | undefined, result: AnswerLabel): void;
}
