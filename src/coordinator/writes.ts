import pRetry, { AbortError } from 'p-retry';
import { Annotation, STATUS_READY, STATUS_REBOOTING, type Phase } from '../kube/annotations.js';
import { KubeError, isRetryable } from '../kube/errors.js';
import { holdOf, type NodeView } from '../kube/node-view.js';
import type { NodeChange, Nodes } from '../kube/nodes.js';

/** Annotations written when a node claims a slot. */
export function claimChange(node: NodeView, group: string, id: string, now: Date): NodeChange {
  return {
    annotations: {
      [Annotation.status]: STATUS_REBOOTING,
      [Annotation.group]: group,
      [Annotation.id]: id,
      [Annotation.claimedAt]: now.toISOString(),
      [Annotation.bootId]: node.bootId,
      [Annotation.phase]: 'claimed' satisfies Phase,
      [Annotation.cordoned]: null,
      [Annotation.releaseRequested]: null,
      [Annotation.drain]: null,
    },
  };
}

/** Gives the slot back: `Ready`, our other annotations removed, uncordoned only if we cordoned. */
export function releaseChange(node: NodeView, now: Date): NodeChange {
  const annotations: Record<string, string | null> = {};
  for (const key of Object.keys(node.annotations)) annotations[key] = null;
  annotations[Annotation.status] = STATUS_READY;
  annotations[Annotation.releasedAt] = now.toISOString();
  return holdOf(node)?.cordonedByUs ? { annotations, unschedulable: false } : { annotations };
}

export interface CasOptions {
  /** Decides from the freshest view what to write, or `undefined` to write nothing. */
  readonly change: (node: NodeView) => NodeChange | undefined;
  readonly attempts?: number;
}

/**
 * Compare-and-swap on a Node: writes `change(node)` at the cached resourceVersion; on a conflict
 * reads the Node again and decides again. Retries API failures with backoff, then throws.
 * Returns the Node as written, or `undefined` when `change` decided nothing was to be written.
 */
export async function casNode(nodes: Nodes, start: NodeView, opts: CasOptions): Promise<NodeView | undefined> {
  let node = start;
  return pRetry(
    async () => {
      const change = opts.change(node);
      if (!change) return undefined;
      try {
        return await nodes.patch(node.name, change, node.resourceVersion);
      } catch (err) {
        if (!(err instanceof KubeError)) throw err;
        if (err.code === 'conflict') {
          node = await nodes.read(node.name);
          throw err;
        }
        if (!isRetryable(err)) throw new AbortError(err);
        throw err;
      }
    },
    {
      retries: (opts.attempts ?? 6) - 1,
      minTimeout: 50,
      maxTimeout: 2000,
      randomize: true,
      shouldRetry: ({ error }) => !(error instanceof KubeError) || error.code !== 'not_found',
    },
  );
}
