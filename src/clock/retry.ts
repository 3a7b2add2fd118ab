// p-retry's attempt loop with its waits on an injected clock: backoff in a simulation runs on virtual time.
import pRetry, { AbortError } from 'p-retry';
import { abortableDelay, type Clock } from './clock.js';

export { AbortError };

export interface RetryOptions {
  readonly clock: Clock;
  /** Retries after the first attempt; Infinity retries until `signal` aborts. */
  readonly retries: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly factor?: number;
  /** Jitter source (0 <= x < 1): each wait is scaled by 1 + x. */
  readonly random?: () => number;
  readonly signal?: AbortSignal;
  readonly shouldRetry?: (error: Error) => boolean;
  /** Called after each failed attempt that will be retried; may wait longer (Retry-After) before the backoff. */
  readonly onFailedAttempt?: (error: Error) => void | Promise<void>;
}

/** Runs `attempt` until it succeeds, `retries` run out, `shouldRetry` says no, or `signal` aborts. */
export function retry<T>(attempt: (n: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const signal = opts.signal ?? new AbortController().signal;
  const random = opts.random ?? Math.random;
  let failures = 0;
  return pRetry(attempt, {
    retries: opts.retries,
    // p-retry waits only for a positive delay: 0 hands every wait to our clock.
    minTimeout: 0,
    maxTimeout: 0,
    signal,
    shouldRetry: ({ error }) => opts.shouldRetry?.(error) ?? true,
    onFailedAttempt: async ({ error, retriesLeft }) => {
      if (retriesLeft <= 0) return;
      if (opts.shouldRetry && !opts.shouldRetry(error)) return;
      await opts.onFailedAttempt?.(error);
      const base = Math.min(opts.maxMs, opts.minMs * (opts.factor ?? 2) ** failures);
      failures += 1;
      await abortableDelay(opts.clock, Math.min(opts.maxMs, base * (1 + random())), signal);
    },
  });
}
