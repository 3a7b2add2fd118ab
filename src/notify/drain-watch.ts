// Drains blocked too long: the leader looks at every holder's drain progress and tells once per drain per blocker set.
import type { Holder } from '../slot/holders.js';
import type { Happening } from './notifier.js';
import { sourceOf } from './source.js';

interface Seen {
  readonly claim: string;
  /** The blockers, sorted and joined: a change starts the wait again. */
  readonly key: string;
  readonly since: number;
  told: boolean;
}

/**
 * Remembers since when each drain has had the same blockers. A new leader starts counting afresh (the drain
 * progress on the Node says what blocks, not since when), so after a failover the time counts from its first look.
 */
export class BlockedDrains {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly afterMs: number) {}

  check(holders: readonly Holder[], now: number): Happening[] {
    const out: Happening[] = [];
    const current = new Set<string>();
    for (const { node, slot } of holders) {
      const blockers = slot.phase === 'drained' || !slot.drain || slot.drain.done ? [] : slot.drain.blockers;
      if (blockers.length === 0) continue;
      current.add(node.name);
      const key = [...blockers].sort().join('\n');
      let seen = this.seen.get(node.name);
      if (!seen || seen.claim !== slot.claim || seen.key !== key) {
        seen = { claim: slot.claim, key, since: now, told: false };
        this.seen.set(node.name, seen);
      }
      if (seen.told || now - seen.since < this.afterMs) continue;
      seen.told = true;
      out.push({ kind: 'drain-blocked', node: node.name, group: slot.group, source: sourceOf(slot), at: now, blockers, since: seen.since });
    }
    // A drain unblocked, finished or given up forgets its blockers: the same set later is news again.
    for (const name of this.seen.keys()) if (!current.has(name)) this.seen.delete(name);
    return out;
  }

  forgetAll(): void {
    this.seen.clear();
  }
}
