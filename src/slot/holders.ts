// Which nodes hold slots and when the last slot was released, kept from the node watch so answering never scans every node.
import type { NodeView } from '../kube/node-view.js';
import type { CacheEvent } from '../kube/reflector.js';
import type { Claim } from './budget.js';
import { releasedAt, slotOf } from './encoding.js';
import type { Slot } from './slot.js';

export interface Holder {
  readonly node: NodeView;
  readonly slot: Slot;
}

/** What the index reads: a node cache with change events. */
export interface NodeSource {
  values(): Iterable<NodeView>;
  on(listener: (event: CacheEvent<NodeView>) => void): () => void;
}

export class SlotIndex {
  /** Decoded once per change, not once per request. */
  private readonly held = new Map<string, Holder>();
  private latestRelease: { name: string; at: number } | undefined;
  private readonly off: () => void;

  /** Subscribe before the cache starts, or pass a synced cache: its nodes are indexed now. */
  constructor(private readonly nodes: NodeSource) {
    for (const node of nodes.values()) this.note(node.name, node);
    this.off = nodes.on((event) => this.note(event.key, event.type === 'deleted' ? undefined : event.current));
  }

  /** Every node that holds a slot, with its slot. */
  holders(): Holder[] {
    return [...this.held.values()];
  }

  /** The holders as the tie-break and the budget see them. */
  claims(): Claim[] {
    return this.holders().map(({ node, slot }) => ({ name: node.name, group: slot.group, drained: slot.phase === 'drained' }));
  }

  /** The most recent slot release recorded on any node (for the settle time). */
  lastRelease(): { name: string; at: number } | undefined {
    return this.latestRelease;
  }

  close(): void {
    this.off();
  }

  private note(name: string, node: NodeView | undefined): void {
    const slot = node && slotOf(node);
    if (node && slot) this.held.set(name, { node, slot });
    else this.held.delete(name);
    const at = node && releasedAt(node);
    if (at !== undefined && at > (this.latestRelease?.at ?? 0)) this.latestRelease = { name, at };
  }
}
