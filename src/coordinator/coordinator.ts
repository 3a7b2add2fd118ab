import { BlockedNotes } from './blocked-notes.js';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { NodePreparer } from '../drain/preparer.js';
import { OK, Refusal, type Answer } from '../fleetlock/refusal.js';
import type { ClientParams, LockService, Readiness, RequestContext } from '../fleetlock/types.js';
import type { NodeIndex } from '../identity/node-index.js';
import type { EventRecorder } from '../kube/events.js';
import type { NodeView } from '../kube/node-view.js';
import type { Decision, NodeCache } from '../kube/nodes.js';
import { slotOf } from '../slot/encoding.js';
import type { SlotIndex } from '../slot/holders.js';
import type { Slot } from '../slot/slot.js';
import { claim, isBack, markDrained, releaseIfBack, steadyState, withdraw } from '../slot/transitions.js';
import { describeReasons, type Reason } from '../policy/reasons.js';
import { budgetOnly, type Admission } from './admission.js';
import type { CoordinatorMetrics, ReleaseReason } from './coordinator-metrics.js';
import { Fence } from './fence.js';
import { resolveNode } from './resolve.js';
import { SerialQueue } from './serial.js';
import { SlotWriter, type Applied, type Log } from './slot-writer.js';
import type { WindowCheck } from './window-close.js';

export interface Leadership {
  isLeader(): boolean;
}

export interface CoordinatorDeps {
  readonly nodes: NodeCache;
  readonly slots: SlotIndex;
  readonly index: NodeIndex;
  /** Budgets, pools, zones and the policy's rules: whether a new claim may be taken. */
  readonly admission: Admission;
  readonly leadership: Leadership;
  readonly events: EventRecorder;
  readonly preparer: NodePreparer;
  readonly log: Logger;
  readonly clock: Clock;
  /** This replica's identity: part of every claim token. */
  readonly identity: string;
  /** False with leader election: the first decision after taking over relists the node cache. */
  readonly freshAtStart: boolean;
  /** How long a pre-reboot waits for a quick preparation (an empty node) before refusing with `draining`. */
  readonly prepareWaitMs?: number;
  /** How long a decision waits for the watch to show a write before giving up. */
  readonly catchUpTimeoutMs?: number;
  readonly metrics?: CoordinatorMetrics;
  /** Whether a holder's window closed on its drain (drainOutsideWindow Stop); none: drains always finish. */
  readonly windows?: WindowCheck;
}

/**
 * Hands out reboot slots. Every decision of this replica runs through one queue, starts behind the
 * fence (the cache shows every write that may have committed), applies one slot transition through a
 * compare-and-swap fenced by leadership, and waits for the watch to show it. The re-read after a
 * claim and the tie-break are the last guard should two replicas ever decide at once.
 */
export class Coordinator implements LockService, Readiness {
  private readonly queue = new SerialQueue();
  private readonly fence: Fence;
  private readonly writer: SlotWriter;
  private readonly blocked: BlockedNotes;
  /** Slots this replica is ending, until the watch shows them end: any other end was someone else's release. */
  private readonly endedHere = new Set<string>();
  private claims = 0;

  constructor(private readonly deps: CoordinatorDeps) {
    this.fence = new Fence(deps.nodes, deps.catchUpTimeoutMs ?? 10_000, deps.freshAtStart);
    this.writer = new SlotWriter(deps.nodes, this.fence, () => deps.leadership.isLeader());
    this.blocked = new BlockedNotes(deps.events);
  }

  readiness(): { ready: boolean; reason: string } {
    if (!this.deps.nodes.synced) return { ready: false, reason: 'node cache not synced yet' };
    if (!this.deps.admission.synced()) return { ready: false, reason: 'rollout policy not loaded yet' };
    if (!this.deps.leadership.isLeader()) return { ready: false, reason: 'not the leader' };
    return { ready: true, reason: 'leader' };
  }

  /** Leadership was gained or lost: decisions relist first. */
  leadershipChanged(): void {
    this.fence.leadershipChanged();
  }

  async preReboot(params: ClientParams, ctx: RequestContext): Promise<Answer> {
    const answer = await this.answerPreReboot(params, ctx);
    if (!(answer instanceof Refusal) || answer.kind !== 'draining') return answer;
    const node = this.node(params.id);
    if (node instanceof Refusal) return node;
    // Outside the queue: a short wait lets a node with nothing to drain be granted in this request.
    await this.deps.preparer.settled(node.name, this.deps.prepareWaitMs ?? 2000);
    return this.answerPreReboot(params, ctx);
  }

  async steadyState(params: ClientParams, ctx: RequestContext): Promise<Answer> {
    const node = this.node(params.id);
    if (node instanceof Refusal) return node;
    // Answered from the cache when nothing is held: the common case costs no API call.
    if (!slotOf(node)) return OK;
    return this.decide(async () => {
      const applied = await this.release(node.name, (n) => steadyState(n, params.group, this.deps.clock.now()), ctx.log, { seen: false });
      if (applied instanceof Refusal) return applied;
      const { outcome } = applied;
      if (outcome.kind === 'other-group') {
        ctx.log.info({ node: node.name, heldIn: outcome.slot.group, askedIn: params.group }, 'steady-state from another group than the slot was taken in: slot kept');
      } else if (outcome.kind === 'release-requested') {
        ctx.log.info({ node: node.name }, 'steady-state before the kubelet reported the node back: slot released once it does');
      } else if (outcome.kind === 'released') {
        this.releasedNow(applied.node, outcome.slot, 'the node reported steady state', 'steady_state', ctx.log);
        ctx.log.info({ node: node.name }, 'released reboot slot on steady-state');
      }
      return OK;
    });
  }

  /** Releases a holder's slot once it is back, and keeps the drain of every holder within budget going. */
  async reconcile(name: string): Promise<void> {
    if (!this.deps.leadership.isLeader()) return;
    const answer = await this.decide(async () => {
      const node = this.deps.nodes.get(name);
      const slot = node && slotOf(node);
      if (!node || !slot) return OK;
      if (isBack(node, slot)) {
        const applied = await this.release(name, (n) => releaseIfBack(n, this.deps.clock.now()), this.deps.log);
        if (applied instanceof Refusal || applied.outcome.kind !== 'released') return applied instanceof Refusal ? applied : OK;
        const { rebooted } = applied.outcome;
        this.releasedNow(applied.node, applied.outcome.slot, rebooted ? 'the node rebooted and is Ready' : 'the node is Ready after steady-state', rebooted ? 'rebooted' : 'steady_state', this.deps.log);
        return OK;
      }
      const closed = this.deps.windows?.due(node, slot);
      if (closed) return (await this.withdraw(name, slot, closed, this.deps.log, 'window_closed')) ?? OK;
      if (slot.phase !== 'drained' && this.kept(name)) this.deps.preparer.prepare(node, slot);
      return OK;
    });
    if (answer instanceof Refusal) throw new Error(answer.value);
  }

  /** Withdraws claims beyond the budget (the tie-break's losers), should any have slipped through. */
  async enforceBudget(): Promise<void> {
    if (!this.deps.leadership.isLeader()) return;
    const answer = await this.decide(async () => {
      const kept = this.deps.admission.keepers();
      for (const { node, slot } of this.deps.slots.holders()) {
        if (kept.has(node.name)) continue;
        this.deps.log.warn({ node: node.name }, 'more nodes hold slots than allowed: withdrawing the tie-break loser');
        const withdrawn = await this.withdraw(node.name, slot, 'withdrawn: more nodes held slots than allowed', this.deps.log);
        if (withdrawn) return withdrawn;
      }
      return OK;
    });
    if (answer instanceof Refusal) throw new Error(answer.value);
  }

  /** The watch showed `name`'s slot end: counted as a manual release unless this replica released it. */
  slotEnded(name: string): void {
    if (this.endedHere.delete(name)) return;
    if (this.deps.leadership.isLeader()) this.deps.metrics?.released('manual');
  }

  /** The watch showed `name` deleted; `held` when it held a slot, which the deletion frees. */
  nodeDeleted(name: string, held: boolean): void {
    this.deps.metrics?.nodeDeleted(name);
    this.blocked.forget(name);
    if (held && this.deps.leadership.isLeader()) this.deps.metrics?.released('node_deleted');
  }

  private node(id: string): NodeView | Refusal {
    if (!this.deps.leadership.isLeader()) return new Refusal('not_leader', 'this replica is not the leader; retry (the Service routes to the leader once it is ready)');
    if (!this.deps.nodes.synced) return new Refusal('unavailable', 'the node cache is still syncing; retry shortly');
    if (!this.deps.admission.synced()) return new Refusal('unavailable', 'the rollout policy is still loading; retry shortly');
    return resolveNode(id, this.deps.index, (name) => this.deps.nodes.get(name));
  }

  /** Runs one decision in the queue, behind the fence. */
  private decide(task: () => Promise<Answer>): Promise<Answer> {
    return this.queue.run(async () => {
      if (!this.deps.leadership.isLeader()) return new Refusal('not_leader', 'this replica is not the leader; retry (the Service routes to the leader once it is ready)');
      try {
        await this.fence.clear();
      } catch (err) {
        return new Refusal('unavailable', `the node cache cannot be brought up to date: ${(err as Error).message}`);
      }
      return task();
    });
  }

  private async answerPreReboot(params: ClientParams, ctx: RequestContext): Promise<Answer> {
    const node = this.node(params.id);
    if (node instanceof Refusal) return node;
    const slot = slotOf(node);
    if (slot) return this.answerHolder(node, slot, params, ctx);
    // Refused from the cache with no API call: the common answer while others reboot.
    const full = this.noSlotFor(node, params.group);
    if (full) return full;
    return this.decide(() => this.claim(node.name, params, ctx));
  }

  /** Why `node` may not claim now: `slots_full` when only the budget or the settle time stand in the way, else `blocked` with every reason. */
  private noSlotFor(node: NodeView, group: string): Refusal | undefined {
    const reasons = this.deps.admission.reasons(node, group);
    if (reasons.length === 0) return undefined;
    this.deps.metrics?.waitingForSlot(node.name, this.deps.clock.now());
    this.deps.metrics?.claimBlocked(reasons.map((r) => r.rule));
    this.blocked.note(node, reasons);
    return refusalFor(reasons);
  }

  private kept(name: string): boolean {
    return this.deps.admission.keepers().has(name);
  }

  private async claim(name: string, params: ClientParams, ctx: RequestContext): Promise<Answer> {
    const cached = this.deps.nodes.get(name);
    if (!cached) return new Refusal('unknown_id', `node ${name} was just deleted`);
    const held = slotOf(cached);
    if (held) return this.answerHolder(cached, held, params, ctx, true);
    const full = this.noSlotFor(cached, params.group);
    if (full) return full;

    const token = `${this.deps.identity}.${this.deps.clock.now().toString(36)}.${++this.claims}`;
    const applied = await this.writer.apply(name, (n) => claim(n, { group: params.group, id: params.id, claim: token, at: this.deps.clock.now() }), ctx.log);
    if (applied instanceof Refusal) return applied;
    const { node, outcome } = applied;
    if (outcome.kind === 'held') return this.answerHolder(node, outcome.slot, params, ctx, true);
    // The cache now shows our claim and every claim committed before it: the tie-break is the last guard.
    if (!this.kept(name)) {
      const withdrawn = await this.withdraw(name, outcome.slot, 'withdrawn: another node won the tie-break', ctx.log);
      if (withdrawn) return withdrawn;
      this.deps.metrics?.waitingForSlot(name, this.deps.clock.now());
      const now = this.deps.nodes.get(name) ?? node;
      return this.noSlotFor(now, params.group) ?? new Refusal('slots_full', 'another node took the last slot; retry');
    }
    this.blocked.forget(name);
    this.deps.metrics?.claimed(name, this.deps.clock.now());
    ctx.log.info({ node: name, group: params.group }, 'claimed reboot slot');
    this.deps.events.record(node, 'Normal', 'RebootSlotClaimed', `Reboot slot claimed in group ${params.group} by FleetLock id ${params.id}`);
    return this.answerHolder(node, outcome.slot, params, ctx, true);
  }

  /** Pre-reboot from a node that holds a slot: idempotent, and 200 only once it is drained. */
  private async answerHolder(node: NodeView, slot: Slot, params: ClientParams, ctx: RequestContext, inQueue = false): Promise<Answer> {
    if (slot.group !== params.group) {
      ctx.log.warn({ node: node.name, heldIn: slot.group, askedIn: params.group }, 'holder asked in another group; answering from the slot it holds');
    }
    if (slot.phase === 'drained') return OK;
    const closed = this.deps.windows?.due(node, slot);
    if (closed) {
      // Refused like any claim outside its window, once the claim is given back.
      const stop = async () =>
        (await this.withdraw(node.name, slot, closed, ctx.log, 'window_closed')) ??
        this.noSlotFor(this.deps.nodes.get(node.name) ?? node, params.group) ??
        new Refusal('unavailable', 'the reboot slot was given back as its window closed; retry');
      return inQueue ? stop() : this.decide(stop);
    }
    // A holder beyond the budget (two deciders) is never drained: the sweep withdraws it.
    if (!this.kept(node.name)) return new Refusal('slots_full', 'more nodes hold slots than allowed; this claim is being withdrawn');
    const preparation = this.deps.preparer.prepare(node, slot);
    if (!preparation.done) return new Refusal('draining', preparation.progress);
    const grant = () => this.grant(node.name, slot, params, ctx.log);
    return inQueue ? grant() : this.decide(grant);
  }

  /** Records that the holder is safe to reboot, before the first 200 is sent. */
  private async grant(name: string, slot: Slot, params: ClientParams, log: Log): Promise<Answer> {
    const applied = await this.writer.apply(name, (n) => markDrained(n, slot.claim), log);
    if (applied instanceof Refusal) return applied;
    if (applied.outcome === 'claim-gone') return new Refusal('unavailable', `the slot of node ${name} was released while granting; retry`);
    if (applied.wrote) {
      log.info({ node: name, group: slot.group }, 'reboot granted');
      this.deps.events.record(applied.node, 'Normal', 'RebootGranted', `Node is safe to reboot: granted to FleetLock id ${params.id}`);
    }
    return OK;
  }

  /** Gives back a claim not granted yet (a granted one is rebooting: kept); its drain stops, our cordon goes. */
  private async withdraw(name: string, slot: Slot, why: string, log: Log, reason: 'withdrawn' | 'window_closed' = 'withdrawn'): Promise<Refusal | undefined> {
    const applied = await this.release(name, (n) => withdraw(n, slot.claim, this.deps.clock.now()), log);
    if (applied instanceof Refusal) return applied;
    if (applied.outcome.kind !== 'withdrawn') return undefined;
    if (reason === 'window_closed') this.deps.windows?.stopped(applied.node, why, log);
    this.releasedNow(applied.node, applied.outcome.slot, why, reason, log);
    return undefined;
  }

  /** A transition that may end the slot: the watch must not count it as someone else's release. */
  private async release<O>(name: string, decide: (n: NodeView) => Decision<O>, log: Log, opts: { seen?: boolean } = {}): Promise<Applied<O> | Refusal> {
    this.endedHere.add(name);
    const applied = await this.writer.apply(name, decide, log, opts);
    if (applied instanceof Refusal || !applied.wrote || slotOf(applied.node)) this.endedHere.delete(name);
    return applied;
  }

  private releasedNow(node: NodeView, slot: Slot, why: string, reason: ReleaseReason, log: Log): void {
    this.deps.preparer.cancel(node.name);
    this.deps.metrics?.released(reason);
    log.info({ node: node.name, group: slot.group, why }, 'released reboot slot');
    this.deps.events.record(node, 'Normal', 'RebootSlotReleased', `Reboot slot released: ${why}`);
    if (slot.cordonedByUs) this.deps.events.record(node, 'Normal', 'Uncordoned', 'Uncordoned: reboot-manager had cordoned it');
  }
}

/** `slots_full` (the words users know) when only budgets and the settle time hold the claim back; otherwise `blocked`, naming every reason. */
export function refusalFor(reasons: readonly Reason[]): Refusal {
  if (budgetOnly(reasons)) return new Refusal('slots_full', reasons.map((r) => r.message).join('; '));
  return new Refusal('blocked', describeReasons(reasons));
}
