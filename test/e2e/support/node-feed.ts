// Every change to every Node, from one real list+watch: what the holder counts and the invariants read.
import type { KubeApi, StopWatch } from '../../../src/kube/api.js';
import type { NodeObject, SimChange } from '../../../src/sim/kube/index.js';

/** The same face as the simulator's store (listNodes, onChange), so HolderWatch counts holders on a real cluster. */
export class NodeFeed {
  private readonly nodes = new Map<string, NodeObject>();
  private readonly listeners = new Set<(change: SimChange) => void>();
  private stopWatch: StopWatch | undefined;
  /** A watch that ended early means a change may be missing: the test must fail, not count less. */
  readonly errors: string[] = [];

  private constructor(private readonly api: KubeApi) {}

  static async start(api: KubeApi): Promise<NodeFeed> {
    const feed = new NodeFeed(api);
    await feed.begin();
    return feed;
  }

  listNodes(): NodeObject[] {
    return [...this.nodes.values()];
  }

  get(name: string): NodeObject | undefined {
    return this.nodes.get(name);
  }

  onChange(listener: (change: SimChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the node once `ok` holds for it (checked on every change). */
  until(name: string, ok: (node: NodeObject) => boolean): Promise<NodeObject> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const node = this.nodes.get(name);
        if (!node || !ok(node)) return false;
        off();
        resolve(node);
        return true;
      };
      const off = this.onChange(() => void check());
      check();
    });
  }

  stop(): void {
    this.stopWatch?.();
    this.stopWatch = undefined;
  }

  private async begin(): Promise<void> {
    let page = await this.api.list('nodes', {});
    const resourceVersion = page.resourceVersion;
    for (;;) {
      for (const item of page.items as NodeObject[]) this.nodes.set(item.metadata.name ?? '', item);
      if (!page.continueToken) break;
      page = await this.api.list('nodes', { continue: page.continueToken });
    }
    this.stopWatch = await this.api.watch('nodes', { resourceVersion, timeoutSeconds: 3600 }, (type, object) => {
      if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') {
        if (type !== 'BOOKMARK') this.errors.push(`node watch: ${type} ${JSON.stringify(object)}`);
        return;
      }
      const node = object as NodeObject;
      const name = node.metadata.name ?? '';
      const old = this.nodes.get(name);
      if (type === 'DELETED') this.nodes.delete(name);
      else this.nodes.set(name, node);
      for (const listener of [...this.listeners]) listener({ resource: 'nodes', type, object: node, ...(old ? { old } : {}) });
    }, (err) => {
      if (this.stopWatch) this.errors.push(`node watch ended early: ${err ? (err as Error).message : 'closed by the server'}`);
    });
  }
}
