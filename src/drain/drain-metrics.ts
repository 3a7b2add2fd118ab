// What draining reports to the metrics (ServerMetrics implements it).

/** The answer to one eviction or deletion call, as a metric label. */
export type EvictionOutcome = 'evicted' | 'gone' | 'blocked_by_budget' | 'several_budgets' | 'throttled' | 'forbidden' | 'error' | 'deleted';

export interface DrainMetrics {
  evicted(result: EvictionOutcome): void;
  /** A drain finished, `seconds` after the claim. */
  drained(seconds: number): void;
}
