import type { Logger } from 'pino';
import type { CancelTimer, Clock } from '../clock/clock.js';
import type { NodeIndex } from '../identity/node-index.js';
import type { NodeCache, NodeEvent } from '../kube/nodes.js';
import { slotOf } from '../slot/encoding.js';
import type { SlotIndex } from '../slot/holders.js';
import type { Coordinator } from './coordinator.js';
import type { StaleHolders } from './stale.js';

export interface ReconcilerDeps {
  readonly nodes: NodeCache;
  readonly slots: SlotIndex;
  readonly index: NodeIndex;
  readonly coordinator: Coordinator;
  readonly log: Logger;
  readonly clock: Clock;
  readonly sweepIntervalMs: number;
  readonly stale?: StaleHolders;
  readonly isLeader: () => boolean;
}

/**
 * Keeps the id index in step with the node watch and finishes releases: a holder that is back gets its
 * slot back whether or not its client calls again. A periodic sweep retries anything a failed write left.
 */
export class Reconciler {
  private cancelSweep: CancelTimer | undefined;
  private off: (() => void) | undefined;
  private running = false;

  constructor(private readonly deps: ReconcilerDeps) {}

  /** Subscribe before the node cache starts, so the first list fills the index. */
  start(): void {
    this.running = true;
    this.off = this.deps.nodes.on((event) => this.onNode(event));
    this.scheduleSweep();
  }

  stop(): void {
    this.running = false;
    this.off?.();
    this.cancelSweep?.();
  }

  /** Looks at every holder: called on becoming leader and periodically. Extras are withdrawn before any holder is drained. */
  async sweep(): Promise<void> {
    try {
      await this.deps.coordinator.enforceBudget();
    } catch (err) {
      this.deps.log.error({ err: (err as Error).message }, 'enforcing the slot budget failed; retrying on the next sweep');
    }
    for (const { node } of this.deps.slots.holders()) await this.reconcile(node.name);
    if (this.deps.isLeader()) {
      this.deps.stale?.check(this.deps.slots.holders(), this.deps.clock.now());
      this.deps.coordinator.waiting.sweep();
    }
  }

  private scheduleSweep(): void {
    if (!this.running) return;
    this.cancelSweep = this.deps.clock.setTimer(this.deps.sweepIntervalMs, () => {
      void this.sweep().finally(() => this.scheduleSweep());
    });
  }

  private onNode(event: NodeEvent): void {
    if (event.type === 'deleted') {
      this.deps.index.delete(event.key);
      const held = slotOf(event.previous);
      if (held) this.deps.log.warn({ node: event.key }, 'node deleted while holding a reboot slot: slot freed');
      this.deps.coordinator.nodeDeleted(event.key, held);
      return;
    }
    this.deps.index.set(event.key, event.current.machineId);
    const ended = event.type === 'modified' && !slotOf(event.current) ? slotOf(event.previous) : undefined;
    if (ended) this.deps.coordinator.slotEnded(event.key, ended);
    if (slotOf(event.current)) void this.reconcile(event.key);
  }

  /** Looks at one holder again (a window closed on it); failures are logged and left to the next sweep. */
  async reconcile(name: string): Promise<void> {
    try {
      await this.deps.coordinator.reconcile(name);
    } catch (err) {
      this.deps.log.error({ node: name, err: (err as Error).message }, 'reconciling reboot slot failed; retrying on the next sweep');
    }
  }
}
