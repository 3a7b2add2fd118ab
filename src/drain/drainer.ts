import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { KubeApi } from '../kube/api.js';
import type { EventRecorder } from '../kube/events.js';
import type { NodeView } from '../kube/node-view.js';
import type { NodeCache, NodeEvent } from '../kube/nodes.js';
import { PodsOnNode, PodWriter } from '../kube/pods.js';
import { slotOf } from '../slot/encoding.js';
import type { DisturbanceLookup } from '../slot/disturbed.js';
import type { Slot } from '../slot/slot.js';
import type { DrainMetrics } from './drain-metrics.js';
import { Semaphore, TokenBucket } from './limits.js';
import { NodeDrain, type NodeDrainDeps } from './node-drain.js';
import type { DrainOptions } from './options.js';
import type { NodePreparer, Preparation } from './preparer.js';

export interface DrainerDeps {
  readonly api: KubeApi;
  readonly clock: Clock;
  readonly random?: () => number;
  readonly nodes: NodeCache;
  readonly events: EventRecorder;
  readonly log: Logger;
  readonly options: DrainOptions;
  readonly isLeader: () => boolean;
  readonly metrics?: DrainMetrics;
  /** Names the workloads and budgets of removed pods for the health gate (its caches); default: the pods' own controllers. */
  readonly disturbance?: DisturbanceLookup;
}

/**
 * The NodePreparer that cordons and drains: one background drain per claimed node, started or
 * resumed by `prepare`, stopped when the claim goes away (cancel, release, Node deleted).
 */
export class Drainer implements NodePreparer {
  private readonly drains = new Map<string, NodeDrain>();
  private readonly deps: NodeDrainDeps;
  private readonly offNodes: () => void;

  constructor(d: DrainerDeps) {
    const { api, clock, options } = d;
    this.deps = {
      api,
      clock,
      ...(d.random ? { random: d.random } : {}),
      nodes: d.nodes,
      writer: new PodWriter(api),
      podsOn: (name, onError) => new PodsOnNode(api, clock, name, { onError, ...(d.random ? { random: d.random } : {}) }),
      events: d.events,
      log: d.log,
      options,
      bucket: new TokenBucket(clock, options.evictionRate),
      slots: new Semaphore(options.concurrency),
      isLeader: d.isLeader,
      ...(d.metrics ? { metrics: d.metrics } : {}),
      ...(d.disturbance ? { disturbance: d.disturbance } : {}),
    };
    this.offNodes = d.nodes.on((event) => this.onNode(event));
  }

  prepare(node: NodeView, slot: Slot): Preparation {
    let drain = this.drains.get(node.name);
    if (drain && (drain.claim !== slot.claim || drain.restartable)) {
      drain.stop();
      drain = undefined;
    }
    if (!drain) {
      drain = new NodeDrain(this.deps, node, slot);
      this.drains.set(node.name, drain);
      drain.start();
    }
    return drain.preparation();
  }

  /** Drains cordoning or evicting now (for the metrics). */
  inProgress(): number {
    let n = 0;
    for (const drain of this.drains.values()) if (drain.running) n++;
    return n;
  }

  async settled(name: string, timeoutMs: number): Promise<void> {
    const drain = this.drains.get(name);
    if (!drain) return;
    let cancel: (() => void) | undefined;
    await Promise.race([drain.whenSettled(), new Promise<void>((resolve) => (cancel = this.deps.clock.setTimer(timeoutMs, resolve)))]);
    cancel?.();
  }

  cancel(name: string): void {
    this.drains.get(name)?.stop();
    this.drains.delete(name);
  }

  /** Stops every drain (leadership lost, shutdown); the next leader's `prepare` resumes them. */
  stopAll(): void {
    for (const name of [...this.drains.keys()]) this.cancel(name);
  }

  close(): void {
    this.offNodes();
    this.stopAll();
  }

  /** A claim that vanished without a cancel (Node deleted, released by another replica) stops its drain. */
  private onNode(event: NodeEvent): void {
    const drain = this.drains.get(event.key);
    if (!drain) return;
    const slot = event.type === 'deleted' ? undefined : slotOf(event.current);
    if (!slot || slot.claim !== drain.claim) this.cancel(event.key);
  }
}
