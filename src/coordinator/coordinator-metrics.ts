// What the coordinator reports to the metrics (ServerMetrics implements it; tests may pass nothing).
import type { RequestPhase } from '../requests/request.js';
import type { Rule } from '../policy/reasons.js';

import type { ReleaseReason } from '../slot/slot.js';

export type { ReleaseReason };

export interface CoordinatorMetrics {
  /** A pre-reboot from `node` was refused because no slot was free (only the first refusal of a wait counts). */
  waitingForSlot(node: string, at: number): void;
  /** `node` claimed a slot: ends its wait, which began at `waitedSince` (RFC 3339) when its Node recorded one. */
  claimed(node: string, at: number, waitedSince?: string): void;
  nodeDeleted(node: string): void;
  released(reason: ReleaseReason): void;
  /** A new claim was refused; one count per rule among its reasons. */
  claimBlocked(rules: readonly Rule[]): void;
}

/** What MaintenanceRequests tell the metrics. */
export interface RequestMetrics {
  /** A request was approved, or reached a terminal phase. */
  entered(phase: RequestPhase): void;
  overran(): void;
}
