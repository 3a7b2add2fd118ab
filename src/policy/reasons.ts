// Why a claim must wait, as data: every rule answers with reasons; the refusal, `explain`, the metrics and the page read them.
import type { NodeView } from '../kube/node-view.js';

/** The rule a reason comes from; metrics are labelled by it. */
export type Rule = 'budget' | 'pool' | 'topology' | 'window' | 'pause' | 'blocker' | 'health' | 'settle';

export const RULES: readonly Rule[] = ['budget', 'pool', 'topology', 'window', 'pause', 'blocker', 'health', 'settle'];

export interface Reason {
  readonly rule: Rule;
  /** One sentence an operator acts on, naming what blocks ("pool gpu: 1 of 1 out (gpu-3)"). */
  readonly message: string;
  /** When this reason is expected to end by itself (ms since the epoch), if known: a window's next opening. */
  readonly until?: number;
}

/** A node asking for a slot, as the rules see it. */
export interface Asking {
  readonly node: NodeView;
  readonly group: string;
  readonly now: number;
  /** Names of the pools the node is in (empty: none). */
  readonly pools: readonly string[];
  /** Urgent groups (Azure Preempt, Terminate) bypass windows, pause, blockers and the health gate. */
  readonly urgent: boolean;
}

/** A rule that may hold back new claims. Answers from caches only: never reads the API. */
export interface ClaimRule {
  reasons(asking: Asking): readonly Reason[];
}

/** The refusal text for `reasons`: every reason, each prefixed by its rule. */
export function describeReasons(reasons: readonly Reason[]): string {
  return reasons.map((r) => `${r.rule}: ${r.message}`).join('; ');
}
