// Faults an in-process API view suffers: the caller decides (the simulation from a seeded PRNG), the view applies.
import { KubeError } from '../../kube/errors.js';

export type ApiVerb = 'list' | 'watch' | 'get' | 'patch' | 'evict' | 'delete' | 'create' | 'replace';

/** One KubeApi call as the fault source sees it. `resource` is the plural name: nodes, pods, leases, events. */
export interface ApiCall {
  readonly verb: ApiVerb;
  readonly resource: string;
  /** `status` for a write to the status subresource. */
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/**
 * What happens to a call. `latencyMs` (default 0) is clock time from the call until the server acts and
 * the answer arrives.
 * - none: served normally.
 * - fail: answered with `error`, nothing applied (e.g. `faultErrors.throttled()` for API throttling).
 * - lost-answer: the call IS applied, then the caller gets a 'timeout' KubeError as if the answer was lost.
 */
export type CallFault =
  | { readonly kind: 'none'; readonly latencyMs?: number }
  | { readonly kind: 'fail'; readonly error: KubeError; readonly latencyMs?: number }
  | { readonly kind: 'lost-answer'; readonly latencyMs?: number };

/** What happens to one watch event: delivered after `delayMs` (never before an earlier event), or the stream breaks. */
export type WatchEventFault = { readonly delayMs: number } | { readonly drop: true };

export interface ApiFaults {
  /** Consulted once per call, in call order. */
  readonly onCall: (call: ApiCall) => CallFault;
  /**
   * Consulted once per watch event, in event order. On `drop` the event and every later one are lost and the
   * watch ends through `onDone` with an 'unavailable' KubeError, so the client must watch again or relist.
   */
  readonly onWatchEvent: (resource: string) => WatchEventFault;
}

export const noFaults: ApiFaults = {
  onCall: () => ({ kind: 'none' }),
  onWatchEvent: () => ({ delayMs: 0 }),
};

/** Errors a fault source can fail calls with, shaped like a real API server's (or a broken connection's). */
export const faultErrors = {
  /** API priority-and-fairness throttling: 429 without a DisruptionBudget cause. */
  throttled: (retryAfterSeconds = 1): KubeError =>
    new KubeError('throttled', 'Too many requests, please try again later.', { status: 429, reason: 'TooManyRequests', retryAfterSeconds }),
  /** An API server that cannot serve now (rolling upgrade, etcd trouble). */
  unavailable: (): KubeError => new KubeError('unavailable', 'the server is currently unable to handle the request', { status: 503, reason: 'ServiceUnavailable' }),
  /** A request that got no answer in time; whether it was applied is unknown to the caller. */
  timeout: (what = 'request'): KubeError => new KubeError('timeout', `${what}: no answer from the API server`),
  /** A watch stream that broke. */
  brokenWatch: (what: string): KubeError => new KubeError('unavailable', `${what}: the watch stream broke`),
};
