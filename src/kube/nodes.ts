import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { KubeClient } from './client.js';
import { toKubeError, type KubeError } from './errors.js';
import { holdOf, sameView, toNodeView, type Hold, type NodeView } from './node-view.js';
import { Reflector, type CacheEvent } from './reflector.js';

export type NodeEvent = CacheEvent<NodeView>;

/** Fields of a Node that reboot-manager writes. `null` removes an annotation. */
export interface NodeChange {
  readonly annotations?: Readonly<Record<string, string | null>>;
  readonly unschedulable?: boolean;
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** Watch-fed cache of every Node (slim views) and the writes reboot-manager makes to Nodes. */
export class Nodes {
  private readonly cache: Reflector<NodeView>;
  /** Names of nodes that hold a slot, kept from the watch so answering never scans every node. */
  private readonly holderNames = new Set<string>();

  constructor(
    private readonly client: KubeClient,
    opts: { onError?: (err: KubeError) => void; pageSize?: number } = {},
  ) {
    const limit = opts.pageSize ?? 500;
    this.cache = new Reflector<NodeView>({
      what: 'nodes',
      watch: client.watch,
      path: '/api/v1/nodes',
      list: async (continueToken) => {
        const list = await client.core.listNode({ limit, ...(continueToken ? { _continue: continueToken } : {}) });
        return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '', continueToken: list.metadata?._continue || undefined };
      },
      transform: toNodeView,
      keyOf: (node) => node.name,
      equal: sameView,
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
    this.cache.on((event) => {
      if (event.type !== 'deleted' && holdOf(event.current)) this.holderNames.add(event.key);
      else this.holderNames.delete(event.key);
    });
  }

  start(): void {
    this.cache.start();
  }

  stop(): void {
    this.cache.stop();
  }

  get synced(): boolean {
    return this.cache.synced;
  }

  whenSynced(): Promise<void> {
    return this.cache.whenSynced();
  }

  get(name: string): NodeView | undefined {
    return this.cache.get(name);
  }

  all(): IterableIterator<NodeView> {
    return this.cache.values();
  }

  get count(): number {
    return this.cache.size;
  }

  /** Every node that holds a slot, with its hold. */
  holders(): { node: NodeView; hold: Hold }[] {
    const out: { node: NodeView; hold: Hold }[] = [];
    for (const name of this.holderNames) {
      const node = this.cache.get(name);
      const hold = node && holdOf(node);
      if (node && hold) out.push({ node, hold });
    }
    return out;
  }

  on(listener: (event: NodeEvent) => void): () => void {
    return this.cache.on(listener);
  }

  /** Waits until the cache holds `name` at `resourceVersion` or later (the watch is ordered). */
  async caughtUp(name: string, resourceVersion: string, timeoutMs: number): Promise<NodeView | undefined> {
    return this.cache.waitFor(() => {
      const node = this.cache.get(name);
      if (node === undefined) return { gone: true as const };
      return atLeast(node.resourceVersion, resourceVersion) ? { node } : undefined;
    }, timeoutMs).then((r) => ('node' in r ? r.node : undefined));
  }

  /** A fresh read from the API (after a conflict), bypassing the cache. */
  async read(name: string): Promise<NodeView> {
    try {
      return toNodeView(await this.client.core.readNode({ name }));
    } catch (err) {
      throw toKubeError(err, `reading node ${name}`);
    }
  }

  /**
   * Merge-patches a Node. With `resourceVersion` the patch is a compare-and-swap:
   * a `conflict` KubeError if the Node changed since that version.
   */
  async patch(name: string, change: NodeChange, resourceVersion?: string): Promise<NodeView> {
    const body: Record<string, unknown> = {};
    const metadata: Record<string, unknown> = {};
    if (change.annotations) metadata.annotations = change.annotations;
    if (resourceVersion !== undefined) metadata.resourceVersion = resourceVersion;
    if (Object.keys(metadata).length > 0) body.metadata = metadata;
    if (change.unschedulable !== undefined) body.spec = { unschedulable: change.unschedulable ? true : null };
    try {
      return toNodeView(await this.client.core.patchNode({ name, body }, mergePatch));
    } catch (err) {
      throw toKubeError(err, `patching node ${name}`);
    }
  }
}

/** resourceVersions are opaque, but every real server issues increasing integers; fall back to equality. */
function atLeast(current: string, target: string): boolean {
  if (/^\d+$/.test(current) && /^\d+$/.test(target)) return BigInt(current) >= BigInt(target);
  return current === target;
}
