import type { Logger } from 'pino';
import type { NodeIndex } from '../identity/node-index.js';
import { holdOf } from '../kube/node-view.js';
import type { NodeEvent, Nodes } from '../kube/nodes.js';
import type { Coordinator } from './coordinator.js';
import type { StaleHolders } from './stale.js';

/**
 * Keeps the id index in step with the node watch and finishes releases: a holder that is Ready
 * again (rebooted, or after steady-state) gets its slot back whether or not its client calls again.
 * A periodic sweep retries anything a failed write left behind.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private off: (() => void) | undefined;

  constructor(
    private readonly deps: { nodes: Nodes; index: NodeIndex; coordinator: Coordinator; log: Logger; sweepIntervalMs: number; stale?: StaleHolders; isLeader?: () => boolean },
  ) {}

  /** Subscribe before the node cache starts, so the first list fills the index. */
  start(): void {
    this.off = this.deps.nodes.on((event) => this.onNode(event));
    this.timer = setInterval(() => void this.sweep(), this.deps.sweepIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.off?.();
    clearInterval(this.timer);
  }

  /** Looks at every holder: called on becoming leader and periodically. */
  async sweep(): Promise<void> {
    for (const { node } of this.deps.nodes.holders()) await this.reconcile(node.name);
    if (this.deps.isLeader?.() !== false) this.deps.stale?.check(this.deps.nodes.holders(), new Date());
    try {
      await this.deps.coordinator.enforceBudget();
    } catch (err) {
      this.deps.log.error({ err: (err as Error).message }, 'enforcing the slot budget failed; retrying on the next sweep');
    }
  }

  private onNode(event: NodeEvent): void {
    if (event.type === 'deleted') {
      this.deps.index.delete(event.key);
      const held = holdOf(event.previous) !== undefined;
      if (held) this.deps.log.warn({ node: event.key }, 'node deleted while holding a reboot slot: slot freed');
      this.deps.coordinator.nodeDeleted(event.key, held);
      return;
    }
    this.deps.index.set(event.key, event.current.machineId);
    if (event.type === 'modified' && holdOf(event.previous) && !holdOf(event.current)) this.deps.coordinator.slotEnded(event.key);
    if (holdOf(event.current)) void this.reconcile(event.key);
  }

  private async reconcile(name: string): Promise<void> {
    try {
      await this.deps.coordinator.reconcile(name);
    } catch (err) {
      this.deps.log.error({ node: name, err: (err as Error).message }, 'reconciling reboot slot failed; retrying on the next sweep');
    }
  }
}
