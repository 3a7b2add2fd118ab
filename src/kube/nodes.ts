import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { KubeClient } from './client.js';
import { toKubeError, type KubeError } from './errors.js';
import { Annotation } from './annotations.js';
import { holdOf, sameView, toNodeView, type Hold, type NodeView } from './node-view.js';
import { listPage } from './raw-list.js';
import { Reflector, type CacheEvent } from './reflector.js';

export type NodeEvent = CacheEvent<NodeView>;

/** Fields of a Node that reboot-manager writes. `null` removes an annotation. */
export interface NodeChange {
  readonly annotations?: Readonly<Record<string, string | null>>;
  readonly unschedulable?: boolean;
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** Watch-fed cache of every Node (slim views) and the writes reboot-manager makes to Nodes. */
export class Nodes extends Reflector<NodeView> {
  /** Names of nodes that hold a slot, kept from the watch so answering never scans every node. */
  private readonly holderNames = new Set<string>();
  private latestRelease: { name: string; at: number } | undefined;
  private readonly pageSize: number;

  constructor(
    private readonly client: KubeClient,
    opts: { onError?: (err: KubeError) => void; pageSize?: number } = {},
  ) {
    // Small pages: each is parsed whole (25 real Nodes are ~1 MB of JSON), which keeps the peak heap low.
    const pageSize = opts.pageSize ?? 25;
    const limit = String(pageSize);
    super({
      what: 'nodes',
      watch: client.watch,
      path: '/api/v1/nodes',
      list: (continueToken) => listPage(client, '/api/v1/nodes', { limit, ...(continueToken ? { continue: continueToken } : {}) }),
      transform: toNodeView,
      keyOf: (node) => node.name,
      equal: sameView,
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
    this.pageSize = pageSize;
    this.on((event) => {
      if (event.type !== 'deleted' && holdOf(event.current)) this.holderNames.add(event.key);
      else this.holderNames.delete(event.key);
      if (event.type === 'deleted') return;
      const at = Date.parse(event.current.annotations[Annotation.releasedAt] ?? '');
      if (at > (this.latestRelease?.at ?? 0)) this.latestRelease = { name: event.key, at };
    });
  }

  /** Every node that holds a slot, with its hold. */
  holders(): { node: NodeView; hold: Hold }[] {
    const out: { node: NodeView; hold: Hold }[] = [];
    for (const name of this.holderNames) {
      const node = this.get(name);
      const hold = node && holdOf(node);
      if (node && hold) out.push({ node, hold });
    }
    return out;
  }

  /** The most recent slot release recorded on any node (for the settle time). */
  lastRelease(): { name: string; at: number } | undefined {
    return this.latestRelease;
  }

  /** Waits until the cache holds `name` at `resourceVersion` or later (the watch is ordered). */
  async caughtUp(name: string, resourceVersion: string, timeoutMs: number): Promise<NodeView | undefined> {
    return this.waitFor(() => {
      const node = this.get(name);
      if (node === undefined) return { gone: true as const };
      return atLeast(node.resourceVersion, resourceVersion) ? { node } : undefined;
    }, timeoutMs).then((r) => ('node' in r ? r.node : undefined));
  }

  /** Every Node, listed once from the API (for one-shot commands; the server uses the cache). */
  async listOnce(): Promise<NodeView[]> {
    const out: NodeView[] = [];
    let token: string | undefined;
    do {
      const page = await listPage(this.client, '/api/v1/nodes', { limit: String(this.pageSize), ...(token ? { continue: token } : {}) });
      for (const raw of page.items) out.push(toNodeView(raw));
      token = page.continueToken;
    } while (token);
    return out;
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
