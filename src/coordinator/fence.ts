import type { NodeView } from '../kube/node-view.js';
import type { NodeCache } from '../kube/nodes.js';

/**
 * Makes sure every write this replica (or a deposed leader) made is visible in the cache before the next
 * decision: after taking over, the node cache is listed again (a consistent read: whatever the last leader
 * committed is in it); after a write whose answer was lost, that node is read again and the cache waits
 * for it. Decisions then never rest on a cache that misses a claim.
 */
export class Fence {
  private fresh: boolean;
  private readonly inDoubt = new Set<string>();

  constructor(
    private readonly nodes: NodeCache,
    private readonly catchUpTimeoutMs: number,
    /** Without leader election, the first sync is fresh enough. */
    freshAtStart: boolean,
  ) {
    this.fresh = freshAtStart;
  }

  /** Leadership changed: the next decision relists first. */
  leadershipChanged(): void {
    this.fresh = false;
  }

  /** A write to `name` may or may not have committed. */
  doubt(name: string): void {
    this.inDoubt.add(name);
  }

  /** Resolves once the cache shows every write that may have committed; throws (a KubeError) when it cannot tell yet. */
  async clear(): Promise<void> {
    if (!this.fresh) {
      await this.nodes.resync();
      this.fresh = true;
      this.inDoubt.clear();
    }
    for (const name of [...this.inDoubt]) {
      let node: NodeView;
      try {
        node = await this.nodes.read(name);
      } catch (err) {
        if ((err as { code?: string }).code !== 'not_found') throw err;
        this.inDoubt.delete(name);
        continue;
      }
      await this.nodes.caughtUp(name, node.resourceVersion, this.catchUpTimeoutMs);
      this.inDoubt.delete(name);
    }
  }

  /** Waits until the cache shows `written` (the watch is ordered: it then shows every claim committed before it). */
  async seen(written: NodeView): Promise<NodeView> {
    try {
      return (await this.nodes.caughtUp(written.name, written.resourceVersion, this.catchUpTimeoutMs)) ?? written;
    } catch (err) {
      this.doubt(written.name);
      throw err;
    }
  }
}
