// The core every holder goes through, FleetLock client or MaintenanceRequest: one queue behind the fence, the
// admission check, the compare-and-swap of a slot transition, the tie-break, and what a release tells people.
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { NodePreparer } from '../drain/preparer.js';
import { OK, Refusal, type Answer } from '../fleetlock/refusal.js';
import type { EventRecorder } from '../kube/events.js';
import type { NodeView } from '../kube/node-view.js';
import type { Decision, NodeCache } from '../kube/nodes.js';
import type { Notifier } from '../notify/notifier.js';
import { aboutSlot } from '../notify/source.js';
import { slotOf } from '../slot/encoding.js';
import type { Slot, SlotSource } from '../slot/slot.js';
import { waitingOf } from '../slot/waiting.js';
import { claim, markDown, markDrained, releaseClaim, requestRelease, withdraw } from '../slot/transitions.js';
import { refusalFor, type Admission } from './admission.js';
import { BlockedNotes } from './blocked-notes.js';
import type { CoordinatorMetrics, ReleaseReason } from './coordinator-metrics.js';
import { Fence } from './fence.js';
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

/** What a holder not granted yet needs now (`SlotKeeper.nextMove`). */
export type HolderMove = { readonly kind: 'give-back'; readonly why: string } | { readonly kind: 'wait'; readonly refusal: Refusal } | { readonly kind: 'grant' };

export interface Leadership {
  isLeader(): boolean;
}

export interface SlotKeeperDeps {
  readonly nodes: NodeCache;
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
  /** How long a decision waits for the watch to show a write before giving up. */
  readonly catchUpTimeoutMs?: number;
  readonly metrics?: CoordinatorMetrics;
  /** Whether a holder's window closed on its drain (drainOutsideWindow Stop); none: drains always finish. */
  readonly windows?: WindowCheck;
  /** Webhooks told of every claim, grant and release this replica makes (none: no notifications). */
  readonly notifier?: Notifier;
}

/**
 * Every decision of this replica runs through one queue, starts behind the fence (the cache shows every write
 * that may have committed), applies one slot transition through a compare-and-swap fenced by leadership, and
 * waits for the watch to show it. The re-read after a claim and the tie-break are the last guard should two
 * replicas ever decide at once.
 */
export class SlotKeeper {
  private readonly queue = new SerialQueue();
  private readonly fence: Fence;
  private readonly writer: SlotWriter;
  readonly blocked: BlockedNotes;
  /** Slots this replica is ending, until the watch shows them end: any other end was someone else's release. */
  private readonly endedHere = new Set<string>();
  private claims = 0;

  constructor(private readonly deps: SlotKeeperDeps) {
    this.fence = new Fence(deps.nodes, deps.catchUpTimeoutMs ?? 10_000, deps.freshAtStart);
    this.writer = new SlotWriter(deps.nodes, this.fence, () => deps.leadership.isLeader());
    this.blocked = new BlockedNotes(deps.events);
  }

  /** Leadership was gained or lost: decisions relist first. */
  leadershipChanged(): void {
    this.fence.leadershipChanged();
  }

  /** The watch showed `name`'s slot end: true when this replica ended it. */
  endedByUs(name: string): boolean {
    return this.endedHere.delete(name);
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

  /**
   * What a holder not granted yet needs now, from the caches: its claim given back (its window closed), a wait
   * (beyond the budget, still draining; the drain is started or kept going), or the grant. FleetLock answers, the
   * reconciler and MaintenanceRequests all ask here, so no path grants what another would give back.
   */
  nextMove(node: NodeView, slot: Slot): HolderMove {
    const closed = this.deps.windows?.due(node, slot);
    if (closed) return { kind: 'give-back', why: closed };
    // A holder beyond the budget (two deciders) is never drained: the sweep withdraws it.
    if (!this.kept(node.name)) return { kind: 'wait', refusal: new Refusal('slots_full', 'more nodes hold slots than allowed; this claim is being withdrawn') };
    if (slot.source.kind === 'fleetlock' || slot.source.drain) {
      const preparation = this.deps.preparer.prepare(node, slot);
      if (!preparation.done) return { kind: 'wait', refusal: new Refusal('draining', preparation.progress) };
    }
    return { kind: 'grant' };
  }

  /** In the queue: gives back a claim whose window closed, answered as a new claim from the node in `group` would be now. */
  async giveBack(node: NodeView, slot: Slot, why: string, group: string, log: Log): Promise<Refusal> {
    return (
      (await this.withdraw(node.name, slot, why, log, 'window_closed')) ??
      this.noSlotFor(this.deps.nodes.get(node.name) ?? node, group, slot.source.kind) ??
      new Refusal('unavailable', 'the reboot slot was given back as its window closed; retry')
    );
  }

  /** In the queue: a request's claim drained (or asked for no drain) is granted; until then, why not. */
  async advance(node: NodeView, slot: Slot, log: Log): Promise<Answer> {
    if (slot.phase === 'drained') return OK;
    const move = this.nextMove(node, slot);
    if (move.kind === 'give-back') return this.giveBack(node, slot, move.why, slot.group, log);
    if (move.kind === 'wait') return move.refusal;
    return this.grant(node.name, slot, slot.source.kind === 'request' ? `MaintenanceRequest ${slot.source.name}` : `FleetLock id ${slot.id}`, log);
  }

  /** In the queue: a granted node went down; when, for its history. */
  async markDown(name: string, log: Log): Promise<Answer> {
    const applied = await this.writer.apply(name, (n) => markDown(n, this.deps.clock.now()), log);
    return applied instanceof Refusal ? applied : OK;
  }

  /** In the queue: the requester is done; the reconciler releases the slot once the node is Ready. */
  async requestRelease(name: string, slot: Slot, log: Log): Promise<Answer> {
    const applied = await this.writer.apply(name, (n) => requestRelease(n, slot.claim, this.deps.clock.now()), log);
    return applied instanceof Refusal ? applied : OK;
  }

  /** In the queue: a request's slot ends now, whatever its phase (expired, deleted, rejected). */
  async releaseClaim(name: string, slot: Slot, why: string, reason: ReleaseReason, log: Log): Promise<Answer> {
    const applied = await this.release(name, (n) => releaseClaim(n, slot.claim, this.deps.clock.now(), reason), log);
    if (applied instanceof Refusal) return applied;
    if (applied.outcome.kind === 'released') this.releasedNow(applied.node, applied.outcome.slot, why, reason, log);
    return OK;
  }

  /**
   * Why `node` may not claim now: `slots_full` when only the budget or the settle time stand in the way, else `blocked`
   * with every reason. Only a FleetLock pre-reboot's refusal is counted by rule: the request driver asks on every pass.
   */
  noSlotFor(node: NodeView, group: string, asker: SlotSource['kind']): Refusal | undefined {
    const reasons = this.deps.admission.reasons(node, group);
    if (reasons.length === 0) return undefined;
    this.deps.metrics?.waitingForSlot(node.name, this.deps.clock.now());
    if (asker === 'fleetlock') this.deps.metrics?.claimBlocked(reasons.map((r) => r.rule));
    this.blocked.note(node, reasons);
    return refusalFor(reasons);
  }

  kept(name: string): boolean {
    return this.deps.admission.keepers().has(name);
  }

  /**
   * Admission, the compare-and-swap and the tie-break: the one way any holder, FleetLock client or
   * MaintenanceRequest, takes a slot. Runs in the queue; a node already holding one is answered with that slot.
   */
  async take(cached: NodeView, who: Claimant, log: Log): Promise<{ node: NodeView; slot: Slot } | Refusal> {
    const name = cached.name;
    const full = this.noSlotFor(cached, who.group, who.source.kind);
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
      return this.noSlotFor(now, who.group, who.source.kind) ?? new Refusal('slots_full', 'another node took the last slot; retry');
    }
    this.blocked.forget(name);
    this.deps.metrics?.claimed(name, this.deps.clock.now(), waitingOf(cached)?.since);
    log.info({ node: name, group: who.group, by: who.label }, 'claimed reboot slot');
    this.deps.events.record(node, 'Normal', 'RebootSlotClaimed', `Reboot slot claimed in group ${who.group} by ${who.label}`);
    this.deps.notifier?.notify({ kind: 'claim', ...aboutSlot(name, outcome.slot, this.deps.clock.now()) });
    return { node, slot: outcome.slot };
  }

  /** Records that the holder is safe to reboot, before the first 200 is sent. */
  async grant(name: string, slot: Slot, to: string, log: Log): Promise<Answer> {
    const applied = await this.writer.apply(name, (n) => markDrained(n, slot.claim, this.deps.clock.now()), log);
    if (applied instanceof Refusal) return applied;
    if (applied.outcome === 'claim-gone') return new Refusal('unavailable', `the slot of node ${name} was released while granting; retry`);
    if (applied.wrote) {
      log.info({ node: name, group: slot.group }, 'reboot granted');
      this.deps.events.record(applied.node, 'Normal', 'RebootGranted', `Node is safe to reboot: granted to ${to}`);
      this.deps.notifier?.notify({ kind: 'grant', ...aboutSlot(name, slot, this.deps.clock.now()) });
    }
    return OK;
  }

  /** Gives back a claim not granted yet (a granted one is rebooting: kept); its drain stops, our cordon goes. */
  async withdraw(name: string, slot: Slot, why: string, log: Log, reason: 'withdrawn' | 'window_closed' = 'withdrawn'): Promise<Refusal | undefined> {
    const applied = await this.release(name, (n) => withdraw(n, slot.claim, this.deps.clock.now(), reason), log);
    if (applied instanceof Refusal) return applied;
    if (applied.outcome.kind !== 'withdrawn') return undefined;
    if (reason === 'window_closed') this.deps.windows?.stopped(applied.node, why, log);
    this.releasedNow(applied.node, applied.outcome.slot, slot.source.kind === 'request' ? `${why} (held for MaintenanceRequest ${slot.source.name})` : why, reason, log);
    return undefined;
  }

  /** A transition that may end the slot: the watch must not count it as someone else's release. */
  async release<O>(name: string, decide: (n: NodeView) => Decision<O>, log: Log, opts: { seen?: boolean } = {}): Promise<Applied<O> | Refusal> {
    this.endedHere.add(name);
    const applied = await this.writer.apply(name, decide, log, opts);
    if (applied instanceof Refusal || !applied.wrote || slotOf(applied.node)) this.endedHere.delete(name);
    return applied;
  }

  releasedNow(node: NodeView, slot: Slot, why: string, reason: ReleaseReason, log: Log): void {
    this.deps.preparer.cancel(node.name);
    this.deps.metrics?.released(reason);
    log.info({ node: node.name, group: slot.group, why }, 'released reboot slot');
    this.deps.events.record(node, 'Normal', 'RebootSlotReleased', `Reboot slot released: ${why}`);
    this.deps.notifier?.notify({ kind: 'release', ...aboutSlot(node.name, slot, this.deps.clock.now()), code: reason, reason: why });
    if (slot.cordonedByUs) this.deps.events.record(node, 'Normal', 'Uncordoned', 'Uncordoned: reboot-manager had cordoned it');
  }
}
