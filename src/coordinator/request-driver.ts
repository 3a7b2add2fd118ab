// Moves every MaintenanceRequest along its lifecycle on the leader: each step is computed from the caches inside
// the coordinator's one queue (the same queue, budget, policy and tie-break as FleetLock claims), its slot action
// applied there, and the status written by compare-and-swap. Level-triggered, so a new leader simply carries on.
import type { Logger } from 'pino';
import type { CancelTimer, Clock } from '../clock/clock.js';
import { OK, Refusal, type Answer } from '../fleetlock/refusal.js';
import { KubeError } from '../kube/errors.js';
import type { EventRecorder } from '../kube/events.js';
import type { NodeCache } from '../kube/nodes.js';
import type { RequestStatusWrite } from '../kube/request-status.js';
import { heldBy, nextStep, type RequestAction, type RequestStep } from '../requests/lifecycle.js';
import { firstCome, isTerminal, sameTimes, validSpec, type MaintenanceRequestView, type RequestPhase } from '../requests/request.js';
import { slotOf } from '../slot/encoding.js';
import type { SlotIndex } from '../slot/holders.js';
import type { RequestMetrics } from './coordinator-metrics.js';
import type { SlotKeeper } from './slot-keeper.js';

export interface RequestCache {
  values(): Iterable<MaintenanceRequestView>;
  get(name: string): MaintenanceRequestView | undefined;
  on(listener: () => void): () => void;
  readonly synced: boolean;
}

export interface RequestDriverDeps {
  readonly requests: RequestCache;
  readonly nodes: NodeCache;
  readonly slots: SlotIndex;
  /** The queue, admission and slot writes FleetLock claims go through too. */
  readonly keeper: SlotKeeper;
  readonly writeStatus: (name: string, resourceVersion: string, status: RequestStatusWrite) => Promise<void>;
  readonly events: EventRecorder;
  readonly log: Logger;
  readonly clock: Clock;
  readonly isLeader: () => boolean;
  /** Pending requests are retried at least this often (policy windows open, settle times end). */
  readonly sweepIntervalMs: number;
  /** `--urgent-groups`: requests asking in one are Rejected. */
  readonly urgentGroups: ReadonlySet<string>;
  readonly metrics?: RequestMetrics;
}

/** At most this many actions per request per pass: claim, then drain or grant, then the status. */
const STEPS_PER_PASS = 3;

export class RequestDriver {
  private running = false;
  private dirty = false;
  private pass: Promise<void> | undefined;
  private offs: (() => void)[] = [];
  private cancelSweep: CancelTimer | undefined;
  private cancelWake: CancelTimer | undefined;
  private stopped = false;

  constructor(private readonly deps: RequestDriverDeps) {}

  start(): void {
    this.offs.push(this.deps.requests.on(() => this.kick()));
    // A slot freed anywhere may let a pending request in; a node's own changes move its request on.
    this.offs.push(this.deps.nodes.on(() => this.hasLive() && this.kick()));
    this.scheduleSweep();
  }

  stop(): void {
    this.stopped = true;
    for (const off of this.offs) off();
    this.cancelSweep?.();
    this.cancelWake?.();
  }

  /** Looks at every request soon (a change, leadership gained). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.dirty = true;
      return;
    }
    this.running = true;
    this.pass = this.loop().finally(() => (this.running = false));
  }

  /** Resolves when the pass under way (if any) is done: for tests and shutdown. */
  async settled(): Promise<void> {
    await this.pass;
  }

  private hasLive(): boolean {
    for (const r of this.deps.requests.values()) if (!isTerminal(r)) return true;
    return this.deps.slots.holders().some((h) => h.slot.source.kind === 'request');
  }

  private scheduleSweep(): void {
    if (this.stopped) return;
    this.cancelSweep = this.deps.clock.setTimer(this.deps.sweepIntervalMs, () => {
      this.kick();
      this.scheduleSweep();
    });
  }

  private async loop(): Promise<void> {
    do {
      this.dirty = false;
      try {
        await this.runPass();
      } catch (err) {
        this.deps.log.error({ err: (err as Error).message }, 'moving MaintenanceRequests on failed; retrying on the next change or sweep');
      }
    } while (this.dirty && !this.stopped);
  }

  private async runPass(): Promise<void> {
    const { requests, nodes, isLeader } = this.deps;
    if (!isLeader() || !nodes.synced || !requests.synced) return;
    await this.releaseOrphans();
    const all = [...requests.values()].sort(firstCome);
    let wakeAt = Number.POSITIVE_INFINITY;
    for (const r of all) {
      const step = await this.advance(r.name);
      if (step?.wakeAt !== undefined) wakeAt = Math.min(wakeAt, step.wakeAt);
    }
    this.cancelWake?.();
    if (Number.isFinite(wakeAt)) this.cancelWake = this.deps.clock.setTimer(Math.max(0, wakeAt - this.deps.clock.now()), () => this.kick());
  }

  /** A slot held for a request that no longer exists (deleted at any phase) is given back. */
  private async releaseOrphans(): Promise<void> {
    const uids = new Set([...this.deps.requests.values()].map((r) => r.uid));
    for (const { node, slot } of this.deps.slots.holders()) {
      if (slot.source.kind !== 'request' || uids.has(slot.source.uid)) continue;
      const why = `MaintenanceRequest ${slot.source.name} was deleted`;
      const answer = await this.deps.keeper.decide(async () => {
        const now = this.deps.nodes.get(node.name);
        const current = now && slotOf(now);
        if (!current || current.claim !== slot.claim) return OK;
        return this.deps.keeper.releaseClaim(node.name, current, why, 'request_deleted', this.deps.log);
      });
      if (answer instanceof Refusal) this.deps.log.warn({ node: node.name, err: answer.value }, 'giving back the slot of a deleted MaintenanceRequest failed; retrying');
    }
  }

  /** One request, inside the queue: up to a few steps, then its status. */
  private async advance(name: string): Promise<RequestStep | undefined> {
    let last: RequestStep | undefined;
    const answer = await this.deps.keeper.decide(async () => {
      const r = this.deps.requests.get(name);
      if (!r) return OK;
      let message: string | undefined;
      for (let i = 0; i < STEPS_PER_PASS; i++) {
        last = nextStep(this.factsOf(r));
        const result = await this.act(r, last.action);
        if (result instanceof Refusal) {
          message = `${result.kind}: ${result.value}`;
          break;
        }
        if (last.action.kind === 'none' || last.action.kind === 'release' || last.action.kind === 'request-release') break;
      }
      if (last) await this.record(r, last, message);
      return OK;
    });
    if (answer instanceof Refusal && answer.kind !== 'not_leader') this.deps.log.warn({ request: name, err: answer.value }, 'MaintenanceRequest step failed; retrying');
    return last;
  }

  private factsOf(r: MaintenanceRequestView) {
    const spec = validSpec(r);
    const nodeName = spec?.nodeName ?? ('problem' in r.spec ? r.spec.nodeName : '');
    const node = this.deps.nodes.get(nodeName);
    const slot = node && slotOf(node);
    const earlier = [...this.deps.requests.values()]
      .filter((o) => o.name !== r.name && !isTerminal(o) && validSpec(o)?.nodeName === nodeName && firstCome(o, r) < 0)
      .sort(firstCome)[0];
    return { request: r, node, slot, earlier, urgentGroups: this.deps.urgentGroups, now: this.deps.clock.now() };
  }

  private async act(r: MaintenanceRequestView, action: RequestAction): Promise<Answer> {
    const { keeper, log } = this.deps;
    switch (action.kind) {
      case 'none':
        return OK;
      case 'claim': {
        const node = this.deps.nodes.get(action.spec.nodeName);
        if (!node) return new Refusal('unknown_id', `node ${action.spec.nodeName} was just deleted`);
        const label = `MaintenanceRequest ${r.name} (${action.spec.requester}: ${action.spec.reason})`;
        const taken = await keeper.take(node, { group: action.spec.group, id: '', source: { kind: 'request', name: r.name, uid: r.uid, drain: action.spec.drain }, label }, log);
        if (taken instanceof Refusal) return taken;
        return heldBy(r, taken.slot) ? OK : new Refusal('slots_full', `node ${node.name} was claimed by another holder meanwhile`);
      }
      case 'advance': {
        const node = this.deps.nodes.get(validSpec(r)?.nodeName ?? '');
        return node ? keeper.advance(node, action.slot, log) : OK;
      }
      case 'request-release':
        return keeper.requestRelease(validSpec(r)?.nodeName ?? '', action.slot, log);
      case 'release':
        return keeper.releaseClaim(validSpec(r)?.nodeName ?? '', action.slot, action.why, action.reason, log);
    }
  }

  /** Writes the status when it changed, and tells people about the transitions. */
  private async record(r: MaintenanceRequestView, step: RequestStep, refusal: string | undefined): Promise<void> {
    const status = refusal && step.status.phase === 'Pending' ? { ...step.status, message: refusal } : step.status;
    const nodeName = validSpec(r)?.nodeName ?? '';
    const node = this.deps.nodes.get(nodeName);
    const slot = node && heldBy(r, slotOf(node));
    const drain = slot?.drain ?? null;
    const write: RequestStatusWrite = { ...status, observedGeneration: r.generation, drain };
    const before = r.status;
    const same = before && before.phase === status.phase && before.message === status.message && before.overrunAt === status.overrunAt && sameTimes(before.times, status.times);
    if (same && this.lastDrain.get(r.uid) === JSON.stringify(drain)) return;
    try {
      await this.deps.writeStatus(r.name, r.resourceVersion, write);
    } catch (err) {
      // Edited (or deleted) since the cache showed it: its watch event brings the next pass.
      if (err instanceof KubeError && (err.code === 'conflict' || err.code === 'not_found')) return;
      throw err;
    }
    this.lastDrain.set(r.uid, JSON.stringify(drain));
    if (before?.phase !== status.phase) this.announce(r, status.phase, status.message, node);
    if (step.overran) {
      this.deps.metrics?.overran();
      const message = `MaintenanceRequest ${r.name} overran its finishing deadline: ${status.message}`;
      this.deps.events.recordOn({ name: r.name, uid: r.uid, kind: 'MaintenanceRequest' }, 'Warning', 'MaintenanceOverrun', message);
      if (node) this.deps.events.recordOn(node, 'Warning', 'MaintenanceOverrun', message);
      this.deps.log.warn({ request: r.name, node: nodeName }, 'MaintenanceRequest overran its finishing deadline');
    }
  }

  private readonly lastDrain = new Map<string, string>();

  private announce(r: MaintenanceRequestView, phase: RequestPhase, message: string, node: { name: string; uid: string } | undefined): void {
    const subject = { name: r.name, uid: r.uid, kind: 'MaintenanceRequest' as const };
    const { events, log, metrics } = this.deps;
    log.info({ request: r.name, phase, message }, 'MaintenanceRequest moved on');
    if (phase === 'Approved') events.recordOn(subject, 'Normal', 'MaintenanceApproved', message);
    if (phase === 'Completed') events.recordOn(subject, 'Normal', 'MaintenanceCompleted', message);
    if (phase === 'Rejected') events.recordOn(subject, 'Warning', 'MaintenanceRejected', message);
    if (phase === 'Expired') {
      events.recordOn(subject, 'Warning', 'MaintenanceExpired', message);
      if (node) events.recordOn(node, 'Warning', 'MaintenanceExpired', `MaintenanceRequest ${r.name} expired: ${message}`);
    }
    if (phase === 'Approved' || phase === 'Completed' || phase === 'Rejected' || phase === 'Expired') metrics?.entered(phase);
    if (isTerminal({ ...r, status: { phase, message, times: {} } })) this.lastDrain.delete(r.uid);
  }
}
