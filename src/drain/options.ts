import type { DrainTimeoutPolicy } from '../slot/slot.js';
import type { UnmanagedPodPolicy } from './classify.js';

export type { DrainTimeoutPolicy };

export interface DrainOptions {
  readonly unmanagedPods: UnmanagedPodPolicy;
  /** Most eviction or deletion calls in flight at once, across all drains of this replica. */
  readonly concurrency: number;
  /** Average eviction or deletion calls per second, across all drains of this replica. */
  readonly evictionRate: number;
  /** Counted from the claim; 0 never times out. */
  readonly timeoutMs: number;
  readonly timeoutPolicy: DrainTimeoutPolicy;
  /** Backoff between attempts on one pod after a budget refusal or an API failure. */
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  /** Pause before asking again about a pod retrying cannot help (several budgets, 403). */
  readonly blockedRetryMs: number;
  /** Least time between two writes of the progress annotation on one Node. */
  readonly progressIntervalMs: number;
  /** This server's own pod, evicted only once every other pod has left the node. */
  readonly ownPod: { readonly namespace: string; readonly name: string } | undefined;
}
