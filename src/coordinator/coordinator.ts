import type { Logger } from 'pino';
import { Refusal } from '../fleetlock/refusal.js';
import type { ClientParams, LockService, Readiness, RequestContext } from '../fleetlock/types.js';
import type { NodeIndex } from '../identity/node-index.js';
import { Annotation } from '../kube/annotations.js';
import { KubeError } from '../kube/errors.js';
import type { EventRecorder } from '../kube/events.js';
import { holdOf, type Hold, type NodeView } from '../kube/node-view.js';
import type { Nodes } from '../kube/nodes.js';
import { isUrgent, keepers, whyFull, type Claim, type SlotBudget } from './budget.js';
import type { CoordinatorMetrics, ReleaseReason } from './coordinator-metrics.js';
import type { NodePreparer } from './preparer.js';
import { SerialQueue } from './serial.js';
import { casNode, claimChange, releaseChange } from './writes.js';

export interface Leadership {
  isLeader(): boolean;
}

export interface CoordinatorDeps {
  readonly nodes: Nodes;
  readonly index: NodeIndex;
  readonly budget: SlotBudget;
  readonly leadership: Leadership;
  readonly events: EventRecorder;
  readonly preparer: NodePreparer;
  readonly log: Logger;
  /** How long a pre-reboot waits for a quick preparation (an empty node) before refusing with `draining`. */
  readonly prepareWaitMs?: number;
  /** After a release, no new claim until this long has passed (let the cluster settle); 0: off. */
  readonly settleMs?: number;
  /** How long a claim waits for the watch to show its own write before giving up. */
  readonly catchUpTimeoutMs?: number;
  readonly now?: () => Date;
  readonly metrics?: CoordinatorMetrics;
}

/** A request's logger (its lines carry the request id), or the coordinator's own outside requests. */
type Log = RequestContext['log'];

/**
 * Hands out reboot slots. Every claim and release of this replica runs through one queue; the
 * re-read after each claim (the watch caught up to our own write) and the tie-break are the last
 * guard should two replicas ever decide at once.
 */
export class Coordinator implements LockService, Readiness {
  private readonly queue = new SerialQueue();
  private readonly now: () => Date;
  /** Nodes this replica is releasing right now: a slot that ends without being here was released by someone else. */
  private readonly releasing = new Set<string>();

  constructor(private readonly deps: CoordinatorDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  readiness(): { ready: boolean; reason: string } {
    if (!this.deps.nodes.synced) return { ready: false, reason: 'node cache not synced yet' };
    if (!this.deps.leadership.isLeader()) return { ready: false, reason: 'not the leader' };
    return { ready: true, reason: 'leader' };
  }

  async preReboot(params: ClientParams, ctx: RequestContext): Promise<void> {
    try {
      return await this.answerPreReboot(params, ctx);
    } catch (err) {
      const { preparer } = this.deps;
      if (!(err instanceof Refusal) || err.kind !== 'draining' || !preparer.settled) throw err;
      // Outside the queue: a short wait lets a node with nothing to drain be granted in this request.
      await preparer.settled(this.resolve(params.id).name, this.deps.prepareWaitMs ?? 2000);
      return this.answerPreReboot(params, ctx);
    }
  }

  private async answerPreReboot(params: ClientParams, ctx: RequestContext): Promise<void> {
    const node = this.resolve(params.id);
    const hold = holdOf(node);
    if (hold) return this.answerHolder(node, hold, params, ctx);
    // Refused from the cache with no API call: the common answer while others reboot.
    this.refuseIfNoSlot(node.name, params.group);
    return this.queue.run(() => this.claim(node.name, params, ctx));
  }

  async steadyState(params: ClientParams, ctx: RequestContext): Promise<void> {
    const node = this.resolve(params.id);
    if (!holdOf(node)) return;
    await this.queue.run(async () => {
      const current = this.deps.nodes.get(node.name);
      const hold = current && holdOf(current);
      if (!current || !hold) return;
      if (hold.group !== params.group) {
        // Two clients on one node (Zincati and the Azure agent) share its id; only the one whose
        // group took the slot gives it back. The other's slot ends with the reboot (new bootID).
        ctx.log.info({ node: current.name, heldIn: hold.group, askedIn: params.group }, 'steady-state from another group than the slot was taken in: slot kept');
        return;
      }
      if (current.ready) {
        await this.releaseNow(current, 'the node reported steady state', 'steady_state', ctx.log);
        ctx.log.info({ node: current.name }, 'released reboot slot on steady-state');
        return;
      }
      // Zincati sends steady-state once per boot, maybe before the kubelet is Ready: remember it.
      await this.write(current, (n) => (holdOf(n) ? { annotations: { [Annotation.releaseRequested]: this.now().toISOString() } } : undefined), ctx.log);
      ctx.log.info({ node: current.name }, 'steady-state before the node is Ready: slot released once it is');
    });
  }

  /** Releases a holder's slot if it is back: Ready, and rebooted or told us it is steady. */
  async reconcile(name: string): Promise<void> {
    if (!this.deps.leadership.isLeader()) return;
    await this.queue.run(async () => {
      const node = this.deps.nodes.get(name);
      const hold = node && holdOf(node);
      if (!node || !hold) return;
      if (node.ready && (node.bootId !== hold.bootId || hold.releaseRequested)) {
        const rebooted = node.bootId !== hold.bootId;
        await this.releaseNow(node, rebooted ? 'the node rebooted and is Ready' : 'the node is Ready after steady-state', rebooted ? 'rebooted' : 'steady_state');
        return;
      }
      if (hold.phase !== 'drained') this.deps.preparer.prepare(node, hold);
    });
  }

  /** Withdraws claims beyond the budget (the tie-break's losers), should any have slipped through. */
  async enforceBudget(): Promise<void> {
    if (!this.deps.leadership.isLeader()) return;
    await this.queue.run(async () => {
      const kept = keepers(this.claims(), this.deps.budget);
      for (const { node } of this.deps.nodes.holders()) {
        if (kept.has(node.name)) continue;
        this.deps.log.warn({ node: node.name }, 'more nodes hold slots than allowed: withdrawing the tie-break loser');
        await this.releaseNow(node, 'withdrawn: more nodes held slots than allowed', 'withdrawn');
      }
    });
  }

  /** The watch showed `name`'s slot end: counted as a manual release unless this replica released it. */
  slotEnded(name: string): void {
    if (this.deps.leadership.isLeader() && !this.releasing.has(name)) this.deps.metrics?.released('manual');
  }

  /** The watch showed `name` deleted; `held` when it held a slot, which the deletion frees. */
  nodeDeleted(name: string, held: boolean): void {
    this.deps.metrics?.nodeDeleted(name);
    if (held && this.deps.leadership.isLeader()) this.deps.metrics?.released('node_deleted');
  }

  private resolve(id: string): NodeView {
    if (!this.deps.leadership.isLeader()) throw new Refusal('not_leader', 'this replica is not the leader; retry (the Service routes to the leader once it is ready)');
    if (!this.deps.nodes.synced) throw new Refusal('unavailable', 'the node cache is still syncing; retry shortly');
    const found = this.deps.index.lookup(id);
    if (found.kind === 'unknown') {
      throw new Refusal(
        'unknown_id',
        `no Node has machine-id or Zincati id ${id}: check that the kubelet reports the host's /etc/machine-id in status.nodeInfo.machineID and that Zincati's [identity] node_uuid override is not set`,
      );
    }
    if (found.kind === 'duplicate') {
      throw new Refusal(
        'duplicate_id',
        `nodes ${found.names.join(', ')} all report machine-id ${found.machineId}: their kubelets do not see the host's /etc/machine-id (mount it into a containerised kubelet) so the caller cannot be told apart`,
      );
    }
    const node = this.deps.nodes.get(found.name);
    if (!node) throw new Refusal('unknown_id', `node ${found.name} was just deleted`);
    return node;
  }

  /** Refuses `name` with `slots_full` when no slot is free for `group`, or the last release has not settled. */
  private refuseIfNoSlot(name: string, group: string): void {
    const why = this.whyNoSlot(group);
    if (why === undefined) return;
    this.deps.metrics?.waitingForSlot(name, this.now().getTime());
    throw new Refusal('slots_full', why);
  }

  private whyNoSlot(group: string): string | undefined {
    const full = whyFull(this.claims(), group, this.deps.budget);
    if (full) return full;
    const settleMs = this.deps.settleMs ?? 0;
    const last = this.deps.nodes.lastRelease();
    if (settleMs <= 0 || !last || isUrgent(this.deps.budget, group)) return undefined;
    const waitMs = last.at + settleMs - this.now().getTime();
    if (waitMs <= 0) return undefined;
    return `settling: node ${last.name} was released ${Math.round((settleMs - waitMs) / 1000)} s ago; the next node may start in ${Math.ceil(waitMs / 1000)} s (--settle-time)`;
  }

  private claims(): Claim[] {
    return this.deps.nodes.holders().map(({ node, hold }) => ({ name: node.name, group: hold.group, drained: hold.phase === 'drained' }));
  }

  private async claim(name: string, params: ClientParams, ctx: RequestContext): Promise<void> {
    const cached = this.deps.nodes.get(name);
    if (!cached) throw new Refusal('unknown_id', `node ${name} was just deleted`);
    const already = holdOf(cached);
    if (already) return this.answerHolder(cached, already, params, ctx, true);
    this.refuseIfNoSlot(name, params.group);

    let lostRace: Hold | undefined;
    const written = await this.write(cached, (node) => {
      lostRace = holdOf(node);
      return lostRace ? undefined : claimChange(node, params.group, params.id, this.now());
    }, ctx.log);
    if (!written) {
      const fresh = this.deps.nodes.get(name);
      if (fresh && lostRace) return this.answerHolder(fresh, lostRace, params, ctx, true);
      throw new Refusal('unavailable', `node ${name} changed while claiming; retry`);
    }
    // Re-read: once the ordered watch shows our write, it shows every claim committed before it.
    const seen = await this.caughtUp(written);
    const kept = keepers(this.claims(), this.deps.budget);
    if (!kept.has(name)) {
      await this.releaseNow(seen, 'withdrawn: another node won the tie-break', 'withdrawn', ctx.log);
      this.deps.metrics?.waitingForSlot(name, this.now().getTime());
      throw new Refusal('slots_full', whyFull(this.claims().filter((c) => c.name !== name), params.group, this.deps.budget) ?? 'another node took the last slot; retry');
    }
    this.deps.metrics?.claimed(name, this.now().getTime());
    ctx.log.info({ node: name, group: params.group }, 'claimed reboot slot');
    this.deps.events.record(seen, 'Normal', 'RebootSlotClaimed', `Reboot slot claimed in group ${params.group} by FleetLock id ${params.id}`);
    const hold = holdOf(seen);
    if (!hold) throw new Refusal('unavailable', `node ${name} lost its claim while claiming; retry`);
    return this.answerHolder(seen, hold, params, ctx, true);
  }

  /** Pre-reboot from a node that holds a slot: idempotent, and 200 only once it is drained. */
  private async answerHolder(node: NodeView, hold: Hold, params: ClientParams, ctx: RequestContext, inQueue = false): Promise<void> {
    if (hold.group !== params.group) {
      ctx.log.warn({ node: node.name, heldIn: hold.group, askedIn: params.group }, 'holder asked in another group; answering from the slot it holds');
    }
    if (hold.phase === 'drained') return;
    const preparation = this.deps.preparer.prepare(node, hold);
    if (!preparation.done) throw new Refusal('draining', preparation.progress);
    const grant = () => this.markDrained(node.name, hold, params, ctx);
    return inQueue ? grant() : this.queue.run(grant);
  }

  /** Records that the holder is safe to reboot, before the first 200 is sent. Runs in the queue. */
  private async markDrained(name: string, hold: Hold, params: ClientParams, ctx: RequestContext): Promise<void> {
    const current = this.deps.nodes.get(name);
    const currentHold = current && holdOf(current);
    const sameClaim = (n: NodeView): boolean => holdOf(n)?.claimedAt === hold.claimedAt;
    if (!current || !currentHold || !sameClaim(current)) {
      throw new Refusal('unavailable', `the slot of node ${name} was released while granting; retry`);
    }
    if (currentHold.phase === 'drained') return;
    const written = await this.write(current, (n) => (sameClaim(n) ? { annotations: { [Annotation.phase]: 'drained' } } : undefined), ctx.log);
    if (!written) throw new Refusal('unavailable', `the slot of node ${name} was released while granting; retry`);
    await this.caughtUp(written);
    ctx.log.info({ node: name, group: hold.group }, 'reboot granted');
    this.deps.events.record(written, 'Normal', 'RebootGranted', `Node is safe to reboot: granted to FleetLock id ${params.id}`);
  }

  private async releaseNow(node: NodeView, why: string, reason: ReleaseReason, log: Log = this.deps.log): Promise<void> {
    this.deps.preparer.cancel(node.name);
    const before = holdOf(node);
    this.releasing.add(node.name);
    let written: NodeView | undefined;
    try {
      written = await this.write(node, (n) => (holdOf(n) ? releaseChange(n, this.now()) : undefined), log);
      if (!written) return;
      this.deps.metrics?.released(reason);
      await this.caughtUp(written);
    } finally {
      this.releasing.delete(node.name);
    }
    log.info({ node: node.name, group: before?.group, why }, 'released reboot slot');
    this.deps.events.record(written, 'Normal', 'RebootSlotReleased', `Reboot slot released: ${why}`);
    if (before?.cordonedByUs) this.deps.events.record(written, 'Normal', 'Uncordoned', 'Uncordoned: reboot-manager had cordoned it');
  }

  /** A CAS write; API failures that outlast the retries become an `unavailable` refusal. */
  private async write(node: NodeView, change: Parameters<typeof casNode>[2]['change'], log: Log = this.deps.log): Promise<NodeView | undefined> {
    try {
      return await casNode(this.deps.nodes, node, { change });
    } catch (err) {
      if (err instanceof KubeError) {
        log.error({ node: node.name, err: err.message, code: err.code }, 'writing node failed');
        throw new Refusal('unavailable', `could not update node ${node.name}: ${err.message}`);
      }
      throw err;
    }
  }

  private async caughtUp(written: NodeView): Promise<NodeView> {
    try {
      return (await this.deps.nodes.caughtUp(written.name, written.resourceVersion, this.deps.catchUpTimeoutMs ?? 10_000)) ?? written;
    } catch (err) {
      throw new Refusal('unavailable', `the node watch is behind: ${(err as Error).message}`);
    }
  }
}
