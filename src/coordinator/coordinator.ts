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
import { FLEETLOCK, type Slot, type SlotSource } from '../slot/slot.js';
import { claim, isBack, markDrained, releaseClaim, releaseIfBack, requestRelease, steadyState, withdraw } from '../slot/transitions.js';
import { refusalFor, type Admission } from './admission.js';
import type { CoordinatorMetrics, ReleaseReason } from './coordinator-metrics.js';
import { Fence } from './fence.js';
import { resolveNode } from './resolve.js';
import { SerialQueue } from './serial.js';
import { SlotWriter, type Applied, type Log } from './slot-writer.js';
import type { WindowCheck } from './window-close.js';

/** Who takes a slot, and the words Events and logs use for it. */
export interface Claimant {
  readonly group: string;
  /** FleetLock id ('' for a request). */
  readonly id: string;
  readonly source: SlotSource;
  /** `FleetLock id …` or `MaintenanceRequest …`. */
  readonly label: string;
}

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
      if (outcome.kind === 'other-holder') {
        ctx.log.info({ node: node.name }, 'steady-state from a node a MaintenanceRequest holds: slot kept');
      } else if (outcome.kind === 'other-group') {
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
        const { rebooted, slot: ended } = applied.outcome;
        if (ended.source.kind === 'request') this.releasedNow(applied.node, ended, `MaintenanceRequest ${ended.source.name} completed and the node is Ready`, 'request_completed', this.deps.log);
        else this.releasedNow(applied.node, ended, rebooted ? 'the node rebooted and is Ready' : 'the node is Ready after steady-state', rebooted ? 'rebooted' : 'steady_state', this.deps.log);
        return OK;
      }
      const closed = this.deps.windows?.due(node, slot);
      if (closed) return (await this.withdraw(name, slot, closed, this.deps.log, 'window_closed')) ?? OK;
      const drains = slot.source.kind === 'fleetlock' || slot.source.drain;
      if (slot.phase !== 'drained' && drains && this.kept(name)) this.deps.preparer.prepare(node, slot);
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

  /** Runs `task` in the one queue, behind the fence, as every slot decision: MaintenanceRequests' too. */
  decide(task: () => Promise<Answer>): Promise<Answer> {
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

  /** In the queue: a request's claim drained (or asked for no drain) is granted; until then, why not. */
  async advance(node: NodeView, slot: Slot, log: Log): Promise<Answer> {
    if (slot.phase === 'drained') return OK;
    if (!this.kept(node.name)) return new Refusal('slots_full', 'more nodes hold slots than allowed; this claim is being withdrawn');
    if (slot.source.kind !== 'request' || slot.source.drain) {
      const preparation = this.deps.preparer.prepare(node, slot);
      if (!preparation.done) return new Refusal('draining', preparation.progress);
    }
    return this.grant(node.name, slot, slot.source.kind === 'request' ? `MaintenanceRequest ${slot.source.name}` : `FleetLock id ${slot.id}`, log);
  }

  /** In the queue: the requester is done; the reconciler releases the slot once the node is Ready. */
  async requestRelease(name: string, slot: Slot, log: Log): Promise<Answer> {
    const applied = await this.writer.apply(name, (n) => requestRelease(n, slot.claim, this.deps.clock.now()), log);
    return applied instanceof Refusal ? applied : OK;
  }

  /** In the queue: a request's slot ends now, whatever its phase (expired, deleted, rejected). */
  async releaseClaim(name: string, slot: Slot, why: string, reason: ReleaseReason, log: Log): Promise<Answer> {
    const applied = await this.release(name, (n) => releaseClaim(n, slot.claim, this.deps.clock.now()), log);
    if (applied instanceof Refusal) return applied;
    if (applied.outcome.kind === 'released') this.releasedNow(applied.node, applied.outcome.slot, why, reason, log);
    return OK;
  }

  private node(id: string): NodeView | Refusal {
    if (!this.deps.leadership.isLeader()) return new Refusal('not_leader', 'this replica is not the leader; retry (the Service routes to the leader once it is ready)');
    if (!this.deps.nodes.synced) return new Refusal('unavailable', 'the node cache is still syncing; retry shortly');
    if (!this.deps.admission.synced()) return new Refusal('unavailable', 'the rollout policy is still loading; retry shortly');
    return resolveNode(id, this.deps.index, (name) => this.deps.nodes.get(name));
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
    const taken = await this.take(cached, { group: params.group, id: params.id, source: FLEETLOCK, label: `FleetLock id ${params.id}` }, ctx.log);
    if (taken instanceof Refusal) return taken;
    return this.answerHolder(taken.node, taken.slot, params, ctx, true);
  }

  /**
   * Admission, the compare-and-swap and the tie-break: the one way any holder, FleetLock client or
   * MaintenanceRequest, takes a slot. Runs in the queue; a node already holding one is answered with that slot.
   */
  async take(cached: NodeView, who: Claimant, log: Log): Promise<{ node: NodeView; slot: Slot } | Refusal> {
    const name = cached.name;
    const full = this.noSlotFor(cached, who.group);
    if (full) return full;
    const token = `${this.deps.identity}.${this.deps.clock.now().toString(36)}.${++this.claims}`;
    const applied = await this.writer.apply(name, (n) => claim(n, { group: who.group, id: who.id, source: who.source, claim: token, at: this.deps.clock.now() }), log);
    if (applied instanceof Refusal) return applied;
    const { node, outcome } = applied;
    if (outcome.kind === 'held') return { node, slot: outcome.slot };
    // The cache now shows our claim and every claim committed before it: the tie-break is the last guard.
    if (!this.kept(name)) {
      const withdrawn = await this.withdraw(name, outcome.slot, 'withdrawn: another node won the tie-break', log);
      if (withdrawn) return withdrawn;
      this.deps.metrics?.waitingForSlot(name, this.deps.clock.now());
      const now = this.deps.nodes.get(name) ?? node;
      return this.noSlotFor(now, who.group) ?? new Refusal('slots_full', 'another node took the last slot; retry');
    }
    this.blocked.forget(name);
    this.deps.metrics?.claimed(name, this.deps.clock.now());
    log.info({ node: name, group: who.group, by: who.label }, 'claimed reboot slot');
    this.deps.events.record(node, 'Normal', 'RebootSlotClaimed', `Reboot slot claimed in group ${who.group} by ${who.label}`);
    return { node, slot: outcome.slot };
  }

  /** Pre-reboot from a node that holds a slot: idempotent, and 200 only once it is drained. */
  private async answerHolder(node: NodeView, slot: Slot, params: ClientParams, ctx: RequestContext, inQueue = false): Promise<Answer> {
    if (slot.source.kind === 'request') {
      return new Refusal('blocked', `request: node ${node.name} is out of service for MaintenanceRequest ${slot.source.name}; retry once it completes`);
    }
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
    const grant = () => this.grant(node.name, slot, `FleetLock id ${params.id}`, ctx.log);
    return inQueue ? grant() : this.decide(grant);
  }

  /** Records that the holder is safe to reboot, before the first 200 is sent. */
  private async grant(name: string, slot: Slot, to: string, log: Log): Promise<Answer> {
    const applied = await this.writer.apply(name, (n) => markDrained(n, slot.claim), log);
    if (applied instanceof Refusal) return applied;
    if (applied.outcome === 'claim-gone') return new Refusal('unavailable', `the slot of node ${name} was released while granting; retry`);
    if (applied.wrote) {
      log.info({ node: name, group: slot.group }, 'reboot granted');
      this.deps.events.record(applied.node, 'Normal', 'RebootGranted', `Node is safe to reboot: granted to ${to}`);
    }
    return OK;
  }

  /** Gives back a claim not granted yet (a granted one is rebooting: kept); its drain stops, our cordon goes. */
  private async withdraw(name: string, slot: Slot, why: string, log: Log, reason: 'withdrawn' | 'window_closed' = 'withdrawn'): Promise<Refusal | undefined> {
    const applied = await this.release(name, (n) => withdraw(n, slot.claim, this.deps.clock.now()), log);
    if (applied instanceof Refusal) return applied;
    if (applied.outcome.kind !== 'withdrawn') return undefined;
    if (reason === 'window_closed') this.deps.windows?.stopped(applied.node, why, log);
    this.releasedNow(applied.node, applied.outcome.slot, slot.source.kind === 'request' ? `${why} (held for MaintenanceRequest ${slot.source.name})` : why, reason, log);
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
