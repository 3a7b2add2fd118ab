import type { Logger } from 'pino';
import type { CancelTimer, Clock } from '../clock/clock.js';
import { toKubeError } from '../kube/errors.js';
import type { NodeView } from '../kube/node-view.js';
import type { NodeCache } from '../kube/nodes.js';
import { slotOf } from '../slot/encoding.js';
import { lifecycleChanges } from '../slot/lifecycle-conditions.js';

/** What the publisher reports to the metrics (ServerMetrics implements it). */
export interface ConditionMetrics {
  conditionWriteFailed(): void;
}

export interface ConditionPublisherDeps {
  readonly nodes: NodeCache;
  readonly clock: Clock;
  readonly log: Logger;
  readonly isLeader: () => boolean;
  readonly metrics?: ConditionMetrics;
  readonly random?: () => number;
  /** Nodes written at once (default 4): a new leader clearing many nodes does not flood the API server. */
  readonly concurrency?: number;
  /** Backoff after a failed write: from `retryMinMs` (default 1 s), doubling up to `retryMaxMs` (default 60 s). */
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
}

/**
 * Publishes each node's slot as KEP-5683 lifecycle conditions, on the leader only. Level-triggered: every node
 * event, and every node once leadership is gained, compares the conditions with the slot and writes only the
 * difference, through a compare-and-swap of the status subresource. Separate from the coordinator's queue, so
 * FleetLock answers never wait on it. A failed write is reported and tried again with backoff.
 */
export class ConditionPublisher {
  /** Nodes to look at, in arrival order; a node already being written is looked at again once it is done. */
  private readonly queued = new Set<string>();
  private readonly writing = new Set<string>();
  /** Failed writes in a row, per node: the backoff grows with them. */
  private readonly failures = new Map<string, number>();
  /** Nodes waiting out their backoff: events do not cut it short. */
  private readonly backoffs = new Map<string, CancelTimer>();
  private off: (() => void) | undefined;
  private running = false;

  constructor(private readonly deps: ConditionPublisherDeps) {}

  /** Subscribe before the node cache starts: without leader election the first list is the first look. */
  start(): void {
    this.running = true;
    this.off = this.deps.nodes.on((event) => (event.type === 'deleted' ? this.forget(event.key) : this.look(event.current)));
  }

  /** A leader looks at every node once its cache has listed: what a crashed leader left True is cleared. */
  leadershipChanged(leading: boolean): void {
    if (leading) void this.deps.nodes.whenSynced().then(() => this.sweep());
  }

  sweep(): void {
    for (const node of this.deps.nodes.values()) this.look(node);
  }

  stop(): void {
    this.running = false;
    this.off?.();
    for (const cancel of this.backoffs.values()) cancel();
    this.backoffs.clear();
    this.failures.clear();
    this.queued.clear();
  }

  /** Queues `node` when its conditions differ from its slot: idle nodes cost no API call. */
  private look(node: NodeView): void {
    if (!this.running || !this.deps.isLeader() || this.backoffs.has(node.name)) return;
    if (lifecycleChanges(slotOf(node), node.lifecycle, this.deps.clock.now()).length === 0) return void this.failures.delete(node.name);
    this.queued.add(node.name);
    this.pump();
  }

  private forget(name: string): void {
    this.queued.delete(name);
    this.backoffs.get(name)?.();
    this.backoffs.delete(name);
    this.failures.delete(name);
  }

  private pump(): void {
    for (const name of this.queued) {
      if (this.writing.size >= (this.deps.concurrency ?? 4)) return;
      if (this.writing.has(name)) continue;
      this.queued.delete(name);
      this.writing.add(name);
      void this.write(name).finally(() => {
        this.writing.delete(name);
        this.pump();
      });
    }
  }

  private async write(name: string): Promise<void> {
    const { nodes, clock, isLeader } = this.deps;
    try {
      const result = await nodes.casConditions(
        name,
        (node) => {
          const write = lifecycleChanges(slotOf(node), node.lifecycle, clock.now());
          return write.length > 0 ? { write, outcome: write.map((c) => `${c.type}=${c.status}`) } : { outcome: [] };
        },
        { mayWrite: isLeader },
      );
      this.failures.delete(name);
      if (!result.fenced && result.wrote) this.deps.log.debug({ node: name, conditions: result.outcome }, 'node lifecycle conditions written');
    } catch (err) {
      const e = toKubeError(err, `writing the lifecycle conditions of node ${name}`);
      if (e.code === 'not_found') return this.forget(name);
      this.retryLater(name, e.message, e.code);
    }
  }

  private retryLater(name: string, err: string, code: string): void {
    if (!this.running) return;
    this.deps.metrics?.conditionWriteFailed();
    const count = (this.failures.get(name) ?? 0) + 1;
    this.failures.set(name, count);
    const base = Math.min(this.deps.retryMaxMs ?? 60_000, (this.deps.retryMinMs ?? 1000) * 2 ** (count - 1));
    const delayMs = base * (0.5 + (this.deps.random ?? Math.random)() / 2);
    this.deps.log.error({ node: name, err, code, attempt: count, retryInMs: Math.round(delayMs) }, 'writing node lifecycle conditions failed; retrying');
    this.backoffs.set(
      name,
      this.deps.clock.setTimer(delayMs, () => {
        this.backoffs.delete(name);
        const node = this.deps.nodes.get(name);
        if (node) this.look(node);
      }),
    );
  }
}
