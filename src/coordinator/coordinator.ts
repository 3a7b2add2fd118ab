import { OK, Refusal, type Answer } from '../fleetlock/refusal.js';
import type { ClientParams, LockService, Readiness, RequestContext } from '../fleetlock/types.js';
import type { NodeIndex } from '../identity/node-index.js';
import type { NodeView } from '../kube/node-view.js';
import { aboutSlot } from '../notify/source.js';
import { hasDownAt, slotOf } from '../slot/encoding.js';
import type { SlotIndex } from '../slot/holders.js';
import { FLEETLOCK, type Slot } from '../slot/slot.js';
import { isBack, releaseIfBack, steadyState } from '../slot/transitions.js';
import { heldForRequest } from './request-hold.js';
import { resolveNode } from './resolve.js';
import { SlotKeeper, type SlotKeeperDeps } from './slot-keeper.js';
import { WaitingBook } from './waiting-book.js';

export type { Claimant, Leadership } from './slot-keeper.js';

/** The keeper's needs, plus the id index and holders FleetLock answers read. */
export interface CoordinatorDeps extends SlotKeeperDeps {
  readonly slots: SlotIndex;
  readonly index: NodeIndex;
  /** How long a pre-reboot waits for a quick preparation (an empty node) before refusing with `draining`. */
  readonly prepareWaitMs?: number;
}

/**
 * Hands out reboot slots. Every decision of this replica runs through one queue, starts behind the
 * fence (the cache shows every write that may have committed), applies one slot transition through a
 * compare-and-swap fenced by leadership, and waits for the watch to show it. The re-read after a
 * claim and the tie-break are the last guard should two replicas ever decide at once.
 */
export class Coordinator implements LockService, Readiness {
  /** The queue, admission, compare-and-swap and tie-break every holder goes through (MaintenanceRequests too). */
  readonly keeper: SlotKeeper;

  /** Who waits for a slot, written to their Nodes. */
  readonly waiting: WaitingBook;

  constructor(private readonly deps: CoordinatorDeps) {
    this.keeper = new SlotKeeper(deps);
    this.waiting = new WaitingBook({ nodes: deps.nodes, clock: deps.clock, log: deps.log, isLeader: () => deps.leadership.isLeader() });
  }

  readiness(): { ready: boolean; reason: string } {
    if (!this.deps.nodes.synced) return { ready: false, reason: 'node cache not synced yet' };
    if (!this.deps.admission.synced()) return { ready: false, reason: 'rollout policy not loaded yet' };
    if (!this.deps.leadership.isLeader()) return { ready: false, reason: 'not the leader' };
    return { ready: true, reason: 'leader' };
  }

  /** Leadership was gained or lost: decisions relist first. */
  leadershipChanged(): void {
    this.keeper.leadershipChanged();
  }

  async preReboot(params: ClientParams, ctx: RequestContext): Promise<Answer> {
    const node = this.node(params.id);
    if (node instanceof Refusal) return node;
    const answer = await this.answerPreReboot(node, params, ctx);
    if (!(answer instanceof Refusal) || !this.deps.leadership.isLeader()) return answer;
    if (answer.kind !== 'draining') {
      this.waiting.refused(this.deps.nodes.get(node.name) ?? node, params.group, answer);
      return answer;
    }
    // Outside the queue: a short wait lets a node with nothing to drain be granted in this request.
    await this.deps.preparer.settled(node.name, this.deps.prepareWaitMs ?? 2000);
    const again = this.node(params.id);
    return again instanceof Refusal ? again : this.answerPreReboot(again, params, ctx);
  }

  async steadyState(params: ClientParams, ctx: RequestContext): Promise<Answer> {
    const node = this.node(params.id);
    if (node instanceof Refusal) return node;
    // Answered from the cache when nothing is held: the common case costs no API call.
    if (!slotOf(node)) {
      if (this.deps.leadership.isLeader()) this.waiting.stopped(node);
      return OK;
    }
    return this.keeper.decide(async () => {
      const applied = await this.keeper.release(node.name, (n) => steadyState(n, params.group, this.deps.clock.now()), ctx.log, { seen: false });
      if (applied instanceof Refusal) return applied;
      const { outcome } = applied;
      if (outcome.kind === 'other-holder') {
        ctx.log.info({ node: node.name }, 'steady-state from a node a MaintenanceRequest holds: slot kept');
      } else if (outcome.kind === 'other-group') {
        ctx.log.info({ node: node.name, heldIn: outcome.slot.group, askedIn: params.group }, 'steady-state from another group than the slot was taken in: slot kept');
      } else if (outcome.kind === 'release-requested') {
        ctx.log.info({ node: node.name }, 'steady-state before the kubelet reported the node back: slot released once it does');
      } else if (outcome.kind === 'released') {
        this.keeper.releasedNow(applied.node, outcome.slot, 'the node reported steady state', 'steady_state', ctx.log);
        ctx.log.info({ node: node.name }, 'released reboot slot on steady-state');
      }
      return OK;
    });
  }

  /** Releases a holder's slot once it is back, and keeps the drain of every holder within budget going. */
  async reconcile(name: string): Promise<void> {
    if (!this.deps.leadership.isLeader()) return;
    const answer = await this.keeper.decide(async () => {
      const node = this.deps.nodes.get(name);
      const slot = node && slotOf(node);
      if (!node || !slot) return OK;
      if (slot.phase === 'drained' && !node.ready && !hasDownAt(node)) {
        const marked = await this.keeper.markDown(name, this.deps.log);
        if (marked instanceof Refusal) return marked;
      }
      if (isBack(node, slot)) {
        const applied = await this.keeper.release(name, (n) => releaseIfBack(n, this.deps.clock.now()), this.deps.log);
        if (applied instanceof Refusal || applied.outcome.kind !== 'released') return applied instanceof Refusal ? applied : OK;
        const { reason, slot: ended } = applied.outcome;
        const why = ended.source.kind === 'request' ? `MaintenanceRequest ${ended.source.name} completed and the node is Ready` : reason === 'rebooted' ? 'the node rebooted and is Ready' : 'the node is Ready after steady-state';
        this.keeper.releasedNow(applied.node, ended, why, reason, this.deps.log);
        return OK;
      }
      // Grants are the holder's to ask for (FleetLock) or the request driver's: here only the window and the drain.
      const move = slot.phase === 'drained' ? undefined : this.keeper.nextMove(node, slot);
      if (move?.kind === 'give-back') return (await this.keeper.withdraw(name, slot, move.why, this.deps.log, 'window_closed')) ?? OK;
      return OK;
    });
    if (answer instanceof Refusal) throw new Error(answer.value);
  }

  /** Withdraws claims beyond the budget (the tie-break's losers), should any have slipped through. */
  async enforceBudget(): Promise<void> {
    if (!this.deps.leadership.isLeader()) return;
    const answer = await this.keeper.decide(async () => {
      const kept = this.deps.admission.keepers();
      for (const { node, slot } of this.deps.slots.holders()) {
        if (kept.has(node.name)) continue;
        this.deps.log.warn({ node: node.name }, 'more nodes hold slots than allowed: withdrawing the tie-break loser');
        const withdrawn = await this.keeper.withdraw(node.name, slot, 'withdrawn: more nodes held slots than allowed', this.deps.log);
        if (withdrawn) return withdrawn;
      }
      return OK;
    });
    if (answer instanceof Refusal) throw new Error(answer.value);
  }

  /** The watch showed `name`'s slot `ended`: counted as a manual release unless this replica released it. */
  slotEnded(name: string, ended: Slot): void {
    if (this.keeper.endedByUs(name)) return;
    if (this.deps.leadership.isLeader()) this.endedElsewhere(name, ended, 'manual', 'released by hand (reboot-manager release)');
  }

  /** The watch showed `name` deleted; `held` is the slot it held, which the deletion frees. */
  nodeDeleted(name: string, held: Slot | undefined): void {
    this.deps.metrics?.nodeDeleted(name);
    this.keeper.blocked.forget(name);
    this.waiting.forget(name);
    if (held && this.deps.leadership.isLeader()) this.endedElsewhere(name, held, 'node_deleted', 'the Node was deleted');
  }

  private endedElsewhere(name: string, slot: Slot, reason: 'manual' | 'node_deleted', why: string): void {
    this.deps.metrics?.released(reason);
    this.deps.notifier?.notify({ kind: 'release', ...aboutSlot(name, slot, this.deps.clock.now()), code: reason, reason: why });
  }

  private node(id: string): NodeView | Refusal {
    if (!this.deps.leadership.isLeader()) return new Refusal('not_leader', 'this replica is not the leader; retry (the Service routes to the leader once it is ready)');
    if (!this.deps.nodes.synced) return new Refusal('unavailable', 'the node cache is still syncing; retry shortly');
    if (!this.deps.admission.synced()) return new Refusal('unavailable', 'the rollout policy is still loading; retry shortly');
    return resolveNode(id, this.deps.index, (name) => this.deps.nodes.get(name));
  }

  /** `node`: the caller's Node, resolved from its id by this request. */
  private async answerPreReboot(node: NodeView, params: ClientParams, ctx: RequestContext): Promise<Answer> {
    const slot = slotOf(node);
    if (slot) return this.answerHolder(node, slot, params, ctx);
    // Refused from the cache with no API call: the common answer while others reboot.
    const full = this.keeper.noSlotFor(node, params.group, 'fleetlock');
    if (full) return full;
    return this.keeper.decide(() => this.claim(node.name, params, ctx));
  }

  private async claim(name: string, params: ClientParams, ctx: RequestContext): Promise<Answer> {
    const cached = this.deps.nodes.get(name);
    if (!cached) return new Refusal('unknown_id', `node ${name} was just deleted`);
    const held = slotOf(cached);
    if (held) return this.answerHolder(cached, held, params, ctx, true);
    const taken = await this.keeper.take(cached, { group: params.group, id: params.id, source: FLEETLOCK, label: `FleetLock id ${params.id}` }, ctx.log);
    if (taken instanceof Refusal) return taken;
    this.waiting.forget(name);
    return this.answerHolder(taken.node, taken.slot, params, ctx, true);
  }

  /** Pre-reboot from a node that holds a slot: idempotent, and 200 only once it is drained. */
  private async answerHolder(node: NodeView, slot: Slot, params: ClientParams, ctx: RequestContext, inQueue = false): Promise<Answer> {
    const outOfService = heldForRequest(node.name, slot);
    if (outOfService) return outOfService;
    if (slot.group !== params.group) {
      ctx.log.warn({ node: node.name, heldIn: slot.group, askedIn: params.group }, 'holder asked in another group; answering from the slot it holds');
    }
    if (slot.phase === 'drained') return OK;
    const move = this.keeper.nextMove(node, slot);
    if (move.kind === 'wait') return move.refusal;
    // Refused like any claim outside its window, once the claim is given back.
    const act = () => (move.kind === 'give-back' ? this.keeper.giveBack(node, slot, move.why, params.group, ctx.log) : this.keeper.grant(node.name, slot, `FleetLock id ${params.id}`, ctx.log));
    return inQueue ? act() : this.keeper.decide(act);
  }


}
