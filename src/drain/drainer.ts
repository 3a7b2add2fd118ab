import type { Logger } from 'pino';
import type { NodePreparer, Preparation } from '../coordinator/preparer.js';
import type { KubeClient } from '../kube/client.js';
import type { EventRecorder } from '../kube/events.js';
import { holdOf, type Hold, type NodeView } from '../kube/node-view.js';
import type { NodeEvent, Nodes } from '../kube/nodes.js';
import { PodsOnNode, PodWriter } from '../kube/pods.js';
import type { DrainMetrics } from './drain-metrics.js';
import { Semaphore, TokenBucket } from './limits.js';
import { NodeDrain, type NodeDrainDeps } from './node-drain.js';
import type { DrainOptions } from './options.js';

export interface DrainerDeps {
  readonly kube: KubeClient;
  readonly nodes: Nodes;
  readonly events: EventRecorder;
  readonly log: Logger;
  readonly options: DrainOptions;
  readonly isLeader: () => boolean;
  readonly now?: () => number;
  readonly metrics?: DrainMetrics;
}

/**
 * The NodePreparer that cordons and drains: one background drain per claimed node, started or
 * resumed by `prepare`, stopped when the claim goes away (cancel, release, Node deleted).
 */
export class Drainer implements NodePreparer {
  private readonly drains = new Map<string, NodeDrain>();
  private readonly deps: NodeDrainDeps;
  private readonly offNodes: () => void;

  constructor(deps: DrainerDeps) {
    const { kube, options } = deps;
    this.deps = {
      nodes: deps.nodes,
      writer: new PodWriter(kube),
      podsOn: (name, onError) => new PodsOnNode(kube, name, { onError }),
      events: deps.events,
      log: deps.log,
      options,
      bucket: new TokenBucket(options.evictionRate),
      slots: new Semaphore(options.concurrency),
      isLeader: deps.isLeader,
      now: deps.now ?? Date.now,
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    };
    this.offNodes = deps.nodes.on((event) => this.onNode(event));
  }

  prepare(node: NodeView, hold: Hold): Preparation {
    let drain = this.drains.get(node.name);
    if (drain && (drain.claimedAt !== hold.claimedAt || drain.restartable)) {
      drain.stop();
      drain = undefined;
    }
    if (!drain) {
      drain = new NodeDrain(this.deps, node, hold);
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
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([drain.whenSettled(), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
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
    const hold = event.type === 'deleted' ? undefined : holdOf(event.current);
    if (!hold || hold.claimedAt !== drain.claimedAt) this.cancel(event.key);
  }
}
