// Reboots blocked too long: the leader reads the waits kept on the Nodes and tells once per wait.
import type { Waiting } from '../slot/waiting.js';
import type { Happening } from './notifier.js';

/**
 * A wait is told about once, when it has lasted `afterMs` since its first refusal. Which waits were told is kept in
 * memory: a new leader tells again about a wait that is still going (a repeat rather than a loss).
 */
export class BlockedReboots {
  /** Node name -> the `since` of the wait already told. */
  private readonly told = new Map<string, string>();

  constructor(private readonly afterMs: number) {}

  check(waits: readonly { readonly node: { readonly name: string }; readonly wait: Waiting }[], now: number): Happening[] {
    const out: Happening[] = [];
    const current = new Set<string>();
    for (const { node, wait } of waits) {
      current.add(node.name);
      const since = Date.parse(wait.since);
      if (this.told.get(node.name) === wait.since || !(now - since >= this.afterMs)) continue;
      this.told.set(node.name, wait.since);
      out.push({ kind: 'reboots-blocked', node: node.name, group: wait.group, at: now, code: wait.kind, reason: wait.reason, since, refusals: wait.asks });
    }
    // A wait that ended (claimed, lapsed, cleared) is forgotten: the next one is news.
    for (const name of this.told.keys()) if (!current.has(name)) this.told.delete(name);
    return out;
  }

  forgetAll(): void {
    this.told.clear();
  }
}
