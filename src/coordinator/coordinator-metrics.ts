// What the coordinator reports to the metrics (ServerMetrics implements it; tests may pass nothing).
import type { Rule } from '../policy/reasons.js';

/** Why a slot ended: a small fixed set, a metric label. */
export type ReleaseReason = 'rebooted' | 'steady_state' | 'withdrawn' | 'window_closed' | 'manual' | 'node_deleted';

export interface CoordinatorMetrics {
  /** A pre-reboot from `node` was refused because no slot was free (only the first refusal of a wait counts). */
  waitingForSlot(node: string, at: number): void;
  /** `node` claimed a slot: ends its wait. */
  claimed(node: string, at: number): void;
  nodeDeleted(node: string): void;
  released(reason: ReleaseReason): void;
  /** A new claim was refused; one count per rule among its reasons. */
  claimBlocked(rules: readonly Rule[]): void;
}
