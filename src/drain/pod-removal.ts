import { abortableDelay, type Clock } from '../clock/clock.js';
import { retry } from '../clock/retry.js';
import { KubeError } from '../kube/errors.js';
import { podKey, type PodView } from '../kube/pod-view.js';
import type { EvictionResult, PodWriter } from '../kube/pods.js';
import type { EvictionOutcome } from './drain-metrics.js';
import type { Semaphore, TokenBucket } from './limits.js';

/** Why a pod cannot leave yet, as the progress names it (`PodDisruptionBudget shop/web`) and in detail. */
export interface Blocker {
  readonly what: string;
  readonly detail: string;
}

export interface RemovalContext {
  readonly clock: Clock;
  readonly random?: () => number;
  readonly writer: PodWriter;
  readonly bucket: TokenBucket;
  readonly slots: Semaphore;
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  readonly blockedRetryMs: number;
  /** False once this replica may no longer act (leadership lost): the attempt is abandoned. */
  readonly mayAct: () => boolean;
  /** Called with the blocker after each refusal, and with undefined once the pod is on its way. */
  readonly onBlocked: (blocker: Blocker | undefined) => void;
  /** An API failure that will be retried (for logs). */
  readonly onRetry: (err: KubeError) => void;
  /** The answer to every eviction or deletion call (for metrics). */
  readonly onOutcome?: (outcome: EvictionOutcome) => void;
}

const OUTCOME_OF: Readonly<Record<EvictionResult['kind'], EvictionOutcome>> = {
  evicted: 'evicted',
  gone: 'gone',
  budget: 'blocked_by_budget',
  throttled: 'throttled',
  'several-budgets': 'several_budgets',
  forbidden: 'forbidden',
};

/** Runs one API call through the concurrency limit, reporting its outcome, thrown failures as `error`. */
async function call<T>(ctx: RemovalContext, send: () => Promise<T>, outcomeOf: (result: T) => EvictionOutcome): Promise<T> {
  let result: T;
  try {
    result = await ctx.slots.run(send);
  } catch (err) {
    ctx.onOutcome?.('error');
    throw err;
  }
  ctx.onOutcome?.(outcomeOf(result));
  return result;
}

/** Thrown inside the retry loop: try again after at least `waitMs` (Retry-After, or a slow retry). */
class TryLater extends Error {
  constructor(
    readonly waitMs: number,
    message: string,
  ) {
    super(message);
    this.name = 'TryLater';
  }
}

class NoLongerLeading extends Error {
  readonly code = 'ERR_NOT_LEADER';
  constructor() {
    super('this replica no longer leads');
    this.name = 'NoLongerLeading';
  }
}

export function isNoLongerLeading(err: unknown): boolean {
  return err instanceof NoLongerLeading;
}

/** Interprets one eviction answer: done, or how long to wait before the next attempt. */
function afterEviction(result: EvictionResult, pod: PodView, ctx: RemovalContext): 'evicted' | 'gone' {
  switch (result.kind) {
    case 'evicted':
    case 'gone':
      ctx.onBlocked(undefined);
      return result.kind;
    case 'budget':
      ctx.onBlocked({ what: `PodDisruptionBudget ${result.budget}`, detail: `cannot evict pod ${podKey(pod)}: ${result.message}` });
      throw new TryLater(result.retryAfterMs ?? 0, result.message);
    case 'throttled':
      throw new TryLater(result.retryAfterMs ?? 0, 'the API server is throttling requests');
    case 'several-budgets':
      ctx.onBlocked({ what: `pod ${podKey(pod)} matched by several PodDisruptionBudgets`, detail: `cannot evict pod ${podKey(pod)}: ${result.message}; fix the budgets so at most one selects it` });
      throw new TryLater(ctx.blockedRetryMs, result.message);
    case 'forbidden':
      ctx.onBlocked({ what: `eviction of ${podKey(pod)} forbidden`, detail: `cannot evict pod ${podKey(pod)}: ${result.message}` });
      throw new TryLater(ctx.blockedRetryMs, result.message);
  }
}

/** Retries `attempt` until it succeeds or `signal` aborts, honouring each TryLater's wait on top of the backoff. */
function retrying<T>(attempt: () => Promise<T>, ctx: RemovalContext, signal: AbortSignal): Promise<T> {
  return retry(
    async () => {
      if (!ctx.mayAct()) throw new NoLongerLeading();
      await ctx.bucket.take(signal);
      return attempt();
    },
    {
      clock: ctx.clock,
      retries: Number.POSITIVE_INFINITY,
      minMs: ctx.retryMinMs,
      maxMs: ctx.retryMaxMs,
      ...(ctx.random ? { random: ctx.random } : {}),
      signal,
      shouldRetry: (error) => !(error instanceof NoLongerLeading),
      onFailedAttempt: async (error) => {
        if (error instanceof TryLater) {
          if (error.waitMs > 0) await abortableDelay(ctx.clock, error.waitMs, signal);
          return;
        }
        if (error instanceof KubeError) {
          ctx.onRetry(error);
          if (error.retryAfterSeconds) await abortableDelay(ctx.clock, error.retryAfterSeconds * 1000, signal);
        }
      },
    },
  );
}

/** Evicts one pod through the policy/v1 Eviction API until the API lets it go, or it is gone anyway. */
export function evictPod(pod: PodView, ctx: RemovalContext, signal: AbortSignal): Promise<'evicted' | 'gone'> {
  return retrying(async () => afterEviction(await call(ctx, () => ctx.writer.evict(pod), (r) => OUTCOME_OF[r.kind]), pod, ctx), ctx, signal);
}

/** Deletes one pod with its grace period, bypassing budgets (the `delete` drain-timeout policy). */
export function deletePod(pod: PodView, ctx: RemovalContext, signal: AbortSignal): Promise<'deleted' | 'gone'> {
  return retrying(async () => {
    const result = await call(ctx, () => ctx.writer.delete(pod), (r) => r);
    ctx.onBlocked(undefined);
    return result;
  }, ctx, signal);
}
