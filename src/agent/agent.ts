// The scheduled-events loop: poll IMDS, decide, take the FleetLock slot, approve if allowed, give it back.
import { pino, type Logger } from 'pino';
import { Approver } from './approver.js';
import { systemClock, type Clock } from '../clock/clock.js';
import { decide, type Decision, type DecisionPolicy } from './decide.js';
import type { ImdsApi } from './imds-client.js';
import { ImdsError } from './imds-errors.js';
import type { LockPort } from './lock-port.js';
import type { EventsDocument, ScheduledEvent } from './scheduled-events.js';
import { bump, newStats, type AgentStats } from './stats.js';

export interface AgentSettings {
  /** FleetLock group for ordinary events. */
  readonly group: string;
  /** FleetLock group for urgent events (Preempt, Terminate): the server drains it even when the budget is full. */
  readonly urgentGroup: string;
  readonly policy: DecisionPolicy;
  readonly pollIntervalMs: number;
  /** How often a refused pre-reboot or a failed steady-state is sent again. */
  readonly retryIntervalMs: number;
  /** Send `StartRequests` once the slot is granted. */
  readonly approve: boolean;
  /** Also approve events that list VMs besides this one (the approval releases them all). */
  readonly approveShared: boolean;
}

export interface AgentDeps {
  readonly imds: ImdsApi;
  readonly lock: LockPort;
  readonly settings: AgentSettings;
  readonly clock?: Clock;
  readonly log?: Logger;
  readonly stats?: AgentStats;
}

/** idle: nothing owed. asking: sending pre-reboot. granted: holding the slot. releasing: sending steady-state. */
export type AgentPhase = 'idle' | 'asking' | 'granted' | 'releasing';

export interface AgentStatus {
  readonly vmName: string | undefined;
  readonly phase: AgentPhase;
  readonly incarnation: number | undefined;
  /** Impactful events for this VM in the last document read. */
  readonly pending: readonly Decision[];
  /** The group of the last pre-reboot, also used for steady-state. */
  readonly group: string | undefined;
  readonly approved: readonly string[];
}

interface Tracked {
  event: ScheduledEvent;
  decision: Decision;
  readonly firstSeenAt: number;
}

export class ImdsAgent {
  readonly stats: AgentStats;
  readonly #d: Required<Omit<AgentDeps, 'stats'>>;
  readonly #s: AgentSettings;
  readonly #abort = new AbortController();
  readonly #listeners = new Set<(status: AgentStatus) => void>();
  #vmName: string | undefined;
  #incarnation: number | undefined;
  readonly #tracked = new Map<string, Tracked>();
  readonly #approver: Approver;
  #phase: AgentPhase = 'idle';
  #group: string | undefined;
  /** Groups pre-reboot was sent in for the current event(s): steady-state goes to each. */
  readonly #askedGroups = new Set<string>();
  #nextLockAt = 0;
  /**
   * Set while an impactful event for us is (or was) in the document: we may hold a slot, so steady-state
   * follows. True at start too: a restart may have come between an event's end and our steady-state.
   */
  #owesSteadyState = true;
  #startedWarned = false;
  #loop: Promise<void> | undefined;

  constructor(deps: AgentDeps) {
    this.#d = { clock: systemClock, log: pino({ enabled: false }), ...deps };
    this.#s = deps.settings;
    this.stats = deps.stats ?? newStats();
    const { imds, log, clock } = this.#d;
    this.#approver = new Approver({ imds, log, stats: this.stats, now: () => clock.now(), approveShared: this.#s.approveShared });
  }

  status(): AgentStatus {
    return {
      vmName: this.#vmName,
      phase: this.#phase,
      incarnation: this.#incarnation,
      pending: this.#pending().map((t) => t.decision),
      group: this.#group,
      approved: this.#approver.approved,
    };
  }

  /** Called after every tick with the new status; returns an unsubscribe function. */
  subscribe(listener: (status: AgentStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Polls until `stop()`; one tick every poll interval. */
  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#abort.abort(new Error('agent stopped'));
    await this.#loop;
  }

  /** One poll and whatever it calls for. Never throws. */
  async tick(): Promise<void> {
    try {
      if (await this.#knowOwnName()) {
        const fresh = await this.#poll();
        await this.#act(fresh);
      }
    } catch (err) {
      this.#d.log.error({ err: (err as Error).message }, 'unexpected failure in the scheduled-events loop');
    }
    const status = this.status();
    for (const listener of this.#listeners) listener(status);
  }

  async #run(): Promise<void> {
    const { signal } = this.#abort;
    while (!signal.aborted) {
      await this.tick();
      await this.#d.clock.sleep(this.#s.pollIntervalMs, signal);
    }
  }

  async #knowOwnName(): Promise<boolean> {
    if (this.#vmName !== undefined) return true;
    try {
      const compute = await this.#d.imds.compute({ signal: this.#abort.signal });
      this.#vmName = compute.name;
      this.#d.log.info({ vmName: compute.name, vmScaleSetName: compute.vmScaleSetName }, 'matching scheduled events against this VM name');
      return true;
    } catch (err) {
      this.#imdsFailed(err, 'reading the compute document failed; retrying');
      return false;
    }
  }

  async #poll(): Promise<boolean> {
    let doc: EventsDocument;
    try {
      doc = await this.#d.imds.scheduledEvents({ signal: this.#abort.signal });
    } catch (err) {
      this.#imdsFailed(err, 'reading scheduled events failed; keeping the last known events');
      return false;
    }
    this.stats.polls++;
    this.#observe(doc);
    return true;
  }

  #imdsFailed(err: unknown, msg: string): void {
    if (this.#abort.signal.aborted) return;
    if (err instanceof ImdsError) {
      bump(this.stats.pollFailures, err.label);
      this.#d.log.warn({ err: err.message, code: err.code }, msg);
    } else {
      bump(this.stats.pollFailures, 'other');
      this.#d.log.error({ err: (err as Error).message }, msg);
    }
  }

  #observe(doc: EventsDocument): void {
    const vmName = this.#vmName ?? '';
    const changed = doc.incarnation !== this.#incarnation;
    const now = this.#d.clock.now();
    const present = new Set<string>();
    for (const event of doc.events) {
      present.add(event.eventId);
      const decision = decide(event, vmName, this.#s.policy);
      if (changed) this.#logDecision(event, decision);
      if (!decision.concernsUs) continue;
      const prior = this.#tracked.get(event.eventId);
      if (!prior) bump(this.stats.eventsSeen, event.eventType);
      this.#tracked.set(event.eventId, { event, decision, firstSeenAt: prior?.firstSeenAt ?? now });
    }
    for (const [id, t] of this.#tracked) {
      if (present.has(id)) continue;
      this.#d.log.info({ eventId: id, eventType: t.event.eventType }, 'event left the document (completed or cancelled)');
      this.#tracked.delete(id);
      this.#approver.forget(id);
    }
    this.#incarnation = doc.incarnation;
  }

  #logDecision(event: ScheduledEvent, d: Decision): void {
    const fields = {
      eventId: event.eventId,
      eventType: event.eventType,
      eventStatus: event.status,
      notBefore: event.notBefore?.toISOString(),
      durationInSeconds: event.durationInSeconds,
      resources: event.resources.length > 10 ? `${event.resources.length} VMs` : event.resources,
      concernsUs: d.concernsUs,
      impactful: d.impactful,
      urgent: d.urgent,
      reason: d.reason,
    };
    if (!event.known) this.#d.log.warn(fields, 'scheduled event of an unknown type');
    else if (d.concernsUs) this.#d.log.info(fields, 'scheduled event');
    else this.#d.log.debug(fields, 'scheduled event');
  }

  #pending(): Tracked[] {
    return [...this.#tracked.values()].filter((t) => t.decision.impactful);
  }

  async #act(fresh: boolean): Promise<void> {
    const now = this.#d.clock.now();
    const pending = this.#pending();
    if (pending.length > 0) {
      this.#owesSteadyState = true;
      if (this.#phase === 'idle' || this.#phase === 'releasing') this.#enter('asking', now);
      if (this.#phase === 'asking') await this.#ask(pending, now);
      if (this.#phase === 'granted' && this.#s.approve) await this.#approver.approve(pending, this.#abort.signal);
      return;
    }
    // "Healthy again" as far as the agent can see: IMDS answered just now and no impactful event is left.
    if (!fresh) return;
    if (!this.#owesSteadyState) {
      if (this.#phase !== 'idle') this.#enter('idle', now);
      return;
    }
    if (this.#phase !== 'releasing') {
      this.#d.log.info({ phase: this.#phase }, 'no impactful event left and IMDS answers: giving the reboot slot back');
      this.#enter('releasing', now);
    }
    if (now >= this.#nextLockAt) await this.#giveBack();
  }

  #enter(phase: AgentPhase, now: number): void {
    this.#phase = phase;
    this.#nextLockAt = now;
  }

  async #ask(pending: Tracked[], now: number): Promise<void> {
    const scheduled = pending.filter((t) => t.event.status === 'Scheduled');
    if (scheduled.length === 0) {
      if (!this.#startedWarned) {
        const eventIds = pending.map((t) => t.event.eventId);
        this.#d.log.warn({ eventIds }, 'event started before the slot was granted: the platform goes ahead without a drain; no more pre-reboot');
        this.#startedWarned = true;
      }
      return;
    }
    this.#startedWarned = false;
    if (now < this.#nextLockAt) return;
    const group = scheduled.some((t) => t.decision.urgent) ? this.#s.urgentGroup : this.#s.group;
    const eventIds = scheduled.map((t) => t.event.eventId);
    this.#group = group;
    this.#askedGroups.add(group);
    this.stats.preRebootRequests++;
    const result = await this.#d.lock.preReboot(group);
    if (result.ok) {
      this.stats.grants++;
      this.#d.log.info({ group, status: result.status, eventIds }, 'reboot slot granted: the node is drained');
      this.#enter('granted', this.#d.clock.now());
      return;
    }
    bump(this.stats.lockRefusals, result.kind);
    const level = result.kind === 'network' || result.status >= 500 ? 'warn' : 'info';
    this.#d.log[level]({ group, status: result.status, kind: result.kind, value: result.value, eventIds }, 'pre-reboot refused; asking again');
    this.#nextLockAt = this.#d.clock.now() + this.#s.retryIntervalMs;
  }

  /**
   * Steady-state in every group this event was asked in, or (after a restart, not knowing) in both of
   * the agent's groups: the server releases only in the group the slot was taken in, never Zincati's.
   */
  async #giveBack(): Promise<void> {
    const groups = this.#askedGroups.size > 0 ? [...this.#askedGroups] : [...new Set([this.#s.group, this.#s.urgentGroup])];
    let result: Awaited<ReturnType<AgentDeps['lock']['steadyState']>> = { ok: true, status: 200 };
    let group = groups[0] ?? this.#s.group;
    for (group of groups) {
      this.stats.steadyStateRequests++;
      result = await this.#d.lock.steadyState(group);
      if (!result.ok) break;
    }
    if (result.ok) {
      this.stats.steadyStateDone++;
      this.#owesSteadyState = false;
      this.#startedWarned = false;
      this.#group = undefined;
      this.#askedGroups.clear();
      this.#d.log.info({ group, status: result.status }, 'steady-state accepted: reboot slot given back');
      this.#enter('idle', this.#d.clock.now());
      return;
    }
    bump(this.stats.lockRefusals, result.kind);
    this.#d.log.warn({ group, status: result.status, kind: result.kind, value: result.value }, 'steady-state failed; sending it again');
    this.#nextLockAt = this.#d.clock.now() + this.#s.retryIntervalMs;
  }
}
