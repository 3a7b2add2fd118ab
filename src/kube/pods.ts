import type { Clock } from '../clock/clock.js';
import type { KubeApi } from './api.js';
import { KubeError } from './errors.js';
import { podKey, samePodView, toPodView, type PodView } from './pod-view.js';
import { Reflector, type CacheEvent } from './reflector.js';

export type PodEvent = CacheEvent<PodView>;

/**
 * What the API said to one eviction. A budget refusal and a pod matched by several budgets are
 * answers, not failures: the caller decides when to ask again. Anything else is thrown as a KubeError.
 */
export type EvictionResult =
  | { readonly kind: 'evicted' }
  /** 404, or 409 on the uid precondition: the pod we meant is gone (maybe replaced under its name). */
  | { readonly kind: 'gone' }
  /** 429 with a DisruptionBudget cause: `budget` is `namespace/name` when the message names it. */
  | { readonly kind: 'budget'; readonly budget: string; readonly message: string; readonly retryAfterMs: number | undefined }
  /** 429 without a budget cause: API priority and fairness or a proxy throttling us. */
  | { readonly kind: 'throttled'; readonly retryAfterMs: number | undefined }
  /** 500 "more than one PodDisruptionBudget": retrying cannot help until someone fixes the budgets. */
  | { readonly kind: 'several-budgets'; readonly message: string }
  /** 403: namespace terminating, or a budget the API cannot use. */
  | { readonly kind: 'forbidden'; readonly message: string };

const SEVERAL_BUDGETS = /more than one PodDisruptionBudget/i;

/** Maps an eviction failure to its meaning; undefined when it is a plain API failure to retry or report. */
export function evictionResultOf(err: KubeError, pod: Pick<PodView, 'namespace'>): EvictionResult | undefined {
  const retryAfterMs = err.retryAfterSeconds === undefined ? undefined : err.retryAfterSeconds * 1000;
  if (err.status === 404 || err.status === 409) return { kind: 'gone' };
  if (err.status === 429) {
    const cause = err.causes.find((c) => c.reason === 'DisruptionBudget');
    if (!cause) return { kind: 'throttled', retryAfterMs };
    const message = cause.message ?? err.message;
    const named = /disruption budget ([a-z0-9.-]+)/i.exec(message)?.[1];
    return { kind: 'budget', budget: named ? `${pod.namespace}/${named}` : `in namespace ${pod.namespace}`, message, retryAfterMs };
  }
  if (err.status === 500 && SEVERAL_BUDGETS.test(err.message)) return { kind: 'several-budgets', message: err.message };
  if (err.status === 403) return { kind: 'forbidden', message: err.message };
  return undefined;
}

/** Evictions and deletions of pods, each pinned to the pod's uid so a same-named replacement is never hit. */
export class PodWriter {
  constructor(private readonly api: KubeApi) {}

  /** `policy/v1` Eviction: the API checks the pod's PodDisruptionBudget. Throws KubeError for other failures. */
  async evict(pod: Pick<PodView, 'namespace' | 'name' | 'uid'>): Promise<EvictionResult> {
    try {
      await this.api.evictPod(pod.namespace, pod.name, pod.uid);
      return { kind: 'evicted' };
    } catch (err) {
      const result = err instanceof KubeError ? evictionResultOf(err, pod) : undefined;
      if (result) return result;
      throw err;
    }
  }

  /** Deletes with the pod's own grace period, bypassing budgets (the drain-timeout `delete` policy). */
  async delete(pod: Pick<PodView, 'namespace' | 'name' | 'uid'>): Promise<'deleted' | 'gone'> {
    try {
      await this.api.deletePod(pod.namespace, pod.name, pod.uid);
      return 'deleted';
    } catch (err) {
      if (err instanceof KubeError && (err.status === 404 || err.status === 409)) return 'gone';
      throw err;
    }
  }
}

/** Watch-fed cache of the pods bound to one node (`fieldSelector=spec.nodeName=NODE`), keyed `namespace/name`. */
export class PodsOnNode extends Reflector<PodView> {
  constructor(
    api: KubeApi,
    clock: Clock,
    readonly nodeName: string,
    opts: { onError?: (err: KubeError) => void; pageSize?: number; random?: () => number } = {},
  ) {
    super({
      what: `pods on node ${nodeName}`,
      api,
      clock,
      collection: 'pods',
      fieldSelector: `spec.nodeName=${nodeName}`,
      pageSize: opts.pageSize ?? 500,
      ...(opts.random ? { random: opts.random } : {}),
      transform: toPodView,
      keyOf: podKey,
      equal: samePodView,
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
  }

  all(): PodView[] {
    return [...this.values()];
  }
}
