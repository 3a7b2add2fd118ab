// Watch-fed cache of the pods one pod blocker selects: only where they run and whether they still count.
import type { Clock } from '../clock/clock.js';
import type { KubeApi } from './api.js';
import type { KubeError } from './errors.js';
import { Reflector } from './reflector.js';

export interface BlockingPodView {
  readonly namespace: string;
  readonly name: string;
  /** '' while the pod is not scheduled. */
  readonly nodeName: string;
  readonly phase: string;
  /** Set once the pod is being deleted. */
  readonly deleting: boolean;
}

interface RawPod {
  metadata?: { namespace?: string; name?: string; deletionTimestamp?: unknown };
  spec?: { nodeName?: string };
  status?: { phase?: string };
}

export function toBlockingPodView(pod: unknown): BlockingPodView {
  const raw = pod as RawPod;
  return {
    namespace: raw.metadata?.namespace ?? '',
    name: raw.metadata?.name ?? '',
    nodeName: raw.spec?.nodeName ?? '',
    phase: raw.status?.phase ?? 'Pending',
    deleting: raw.metadata?.deletionTimestamp !== undefined && raw.metadata.deletionTimestamp !== null,
  };
}

/** A pod blocks while it may still run: not finished and not on its way out. */
export function podStillBlocks(pod: BlockingPodView): boolean {
  return pod.phase !== 'Succeeded' && pod.phase !== 'Failed' && !pod.deleting;
}

const samePod = (a: BlockingPodView, b: BlockingPodView): boolean => a.nodeName === b.nodeName && a.phase === b.phase && a.deleting === b.deleting;

export interface BlockingPodsSelection {
  /** The API server's `labelSelector` text; never empty (that would select every pod). */
  readonly labelSelector: string;
  /** Unset: every namespace. */
  readonly namespace?: string;
}

/** The pods `selection` matches, kept by a list-then-watch, keyed `namespace/name`. */
export class BlockingPods extends Reflector<BlockingPodView> {
  constructor(api: KubeApi, clock: Clock, what: string, selection: BlockingPodsSelection, opts: { onError?: (err: KubeError) => void; random?: () => number } = {}) {
    if (selection.labelSelector === '') throw new TypeError(`${what}: an empty label selector would watch every pod`);
    super({
      what,
      api,
      clock,
      collection: 'pods',
      ...(selection.namespace ? { namespace: selection.namespace } : {}),
      labelSelector: selection.labelSelector,
      pageSize: 500,
      transform: toBlockingPodView,
      keyOf: (p) => `${p.namespace}/${p.name}`,
      equal: samePod,
      ...(opts.random ? { random: opts.random } : {}),
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
  }

  /** Pods that block now, on `nodeName` if given, sorted by namespace/name. */
  blocking(nodeName?: string): BlockingPodView[] {
    const out: BlockingPodView[] = [];
    for (const pod of this.values()) if (podStillBlocks(pod) && (nodeName === undefined || pod.nodeName === nodeName)) out.push(pod);
    return out.sort((a, b) => (a.namespace === b.namespace ? a.name.localeCompare(b.name) : a.namespace.localeCompare(b.namespace)));
  }
}
