// The Azure platform's side of a scheduled event, simulated: notice, start (at NotBefore or on approval), impact, completion.
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimulatedImds } from '../imds/index.js';
import type { ScaledClock } from './scaled-clock.js';

export type PlatformEventType = 'Reboot' | 'Redeploy' | 'Freeze' | 'Preempt' | 'Terminate';

export interface PlatformEventSpec {
  readonly type: PlatformEventType;
  /** The Kubernetes Node of the VM. */
  readonly node: string;
  /** Simulated ms from scheduling to NotBefore. */
  readonly noticeMs: number;
  /** Freeze only: how long the VM is paused (DurationInSeconds). */
  readonly durationSeconds?: number;
  /** Simulated ms after scheduling at which the platform cancels the event, if before NotBefore. */
  readonly cancelAfterMs?: number;
}

export interface PlatformEventResult {
  readonly eventId: string;
  readonly spec: PlatformEventSpec;
  readonly outcome: 'cancelled' | 'completed';
  /** The agent approved it early (StartRequests) rather than the platform waiting for NotBefore. */
  readonly approved: boolean;
}

/** What the platform does to the cluster: the Kubernetes simulator's store plays the kubelet. */
export interface PlatformHost {
  rebootNode(name: string): unknown;
  setNodeReady(name: string, ready: boolean): unknown;
  deleteNode(name: string): void;
}

export interface PlatformOptions {
  readonly imds: SimulatedImds;
  readonly host: PlatformHost;
  readonly clock: ScaledClock;
  /** `compute.name` of a node's VM. */
  readonly vmOf: (node: string) => string;
  /** Simulated ms a rebooted or redeployed VM takes to come back. */
  readonly bootMs: number;
  /**
   * Real ms the platform waits at least before starting an event. Agents poll on the simulated
   * clock; at a high time scale a 30 s notice would be over before one poll.
   */
  readonly minRealNoticeMs?: number;
  /** The VM goes down or away: stop what runs on it (its agent). */
  readonly vmDown?: (node: string) => Promise<void>;
  /** A rebooted or redeployed VM is back: start what runs on it again. */
  readonly vmUp?: (node: string) => Promise<void>;
  /** Narration, one line per platform step. */
  readonly onStep?: (node: string, text: string) => void;
}

export class SimulatedAzurePlatform {
  private readonly abort = new AbortController();

  constructor(private readonly o: PlatformOptions) {}

  /** Schedules the event and plays it out; resolves once it has left the document. */
  async run(spec: PlatformEventSpec): Promise<PlatformEventResult> {
    const { imds, clock } = this.o;
    const vm = this.o.vmOf(spec.node);
    const eventId = imds.schedule({
      eventType: spec.type,
      resources: [vm],
      notBefore: new Date(Date.now() + spec.noticeMs),
      ...(spec.durationSeconds !== undefined ? { durationInSeconds: spec.durationSeconds } : {}),
    });
    const freeze = spec.type === 'Freeze' ? ` of ${spec.durationSeconds ?? 5} s` : '';
    this.step(spec.node, `azure: ${spec.type}${freeze} scheduled for VM ${vm}, NotBefore in ${minutes(spec.noticeMs)}`);

    const why = await this.firstOf(eventId, spec);
    if (why === 'cancel') {
      imds.cancel(eventId);
      this.step(spec.node, `azure: ${spec.type} cancelled by the platform: it left the document`);
      return { eventId, spec, outcome: 'cancelled', approved: false };
    }
    imds.start(eventId);
    this.step(spec.node, why === 'approved' ? `azure: the agent approved the ${spec.type}: starting it now` : `azure: NotBefore reached: starting the ${spec.type}`);
    await this.impact(spec, clock);
    imds.complete(eventId);
    this.step(spec.node, `azure: ${spec.type} done: it left the document`);
    if (spec.type === 'Reboot' || spec.type === 'Redeploy') await this.o.vmUp?.(spec.node);
    return { eventId, spec, outcome: 'completed', approved: why === 'approved' };
  }

  /** Stops waiting on every event in flight. */
  close(): void {
    this.abort.abort();
  }

  private async pause(realMs: number): Promise<void> {
    await sleep(realMs, undefined, { signal: this.abort.signal });
  }

  private async firstOf(eventId: string, spec: PlatformEventSpec): Promise<'approved' | 'due' | 'cancel'> {
    const { imds, clock } = this.o;
    const local = new AbortController();
    const signal = AbortSignal.any([local.signal, this.abort.signal]);
    // The floor stretches the whole notice, so a cancellation keeps its place before NotBefore.
    const dueMs = Math.max(clock.real(spec.noticeMs), this.o.minRealNoticeMs ?? 0);
    const wait = (simulatedMs: number, what: 'due' | 'cancel') => sleep((dueMs * simulatedMs) / spec.noticeMs, what, { signal });
    let off = (): void => undefined;
    const approved = new Promise<'approved'>((resolve) => {
      off = imds.subscribe((n) => {
        if (n.type === 'approval' && n.approval.eventIds.includes(eventId)) resolve('approved');
      });
    });
    const cancels = spec.cancelAfterMs !== undefined && spec.cancelAfterMs < spec.noticeMs;
    try {
      return await Promise.race([approved, wait(spec.noticeMs, 'due'), ...(cancels ? [wait(spec.cancelAfterMs ?? 0, 'cancel')] : [])]);
    } finally {
      off();
      local.abort();
    }
  }

  private async impact(spec: PlatformEventSpec, clock: ScaledClock): Promise<void> {
    const { host } = this.o;
    switch (spec.type) {
      case 'Freeze':
        // Paused with memory kept: the kubelet and the agent carry on afterwards.
        await this.pause(clock.real((spec.durationSeconds ?? 5) * 1000));
        return;
      case 'Reboot':
      case 'Redeploy':
        await this.o.vmDown?.(spec.node);
        host.rebootNode(spec.node);
        this.step(spec.node, `azure: VM ${spec.type === 'Reboot' ? 'rebooting' : 'moving to another host'}`);
        await this.pause(clock.real(this.o.bootMs));
        host.setNodeReady(spec.node, true);
        return;
      case 'Preempt':
      case 'Terminate':
        await this.o.vmDown?.(spec.node);
        host.deleteNode(spec.node);
        this.step(spec.node, `azure: VM ${spec.type === 'Preempt' ? 'evicted (Spot)' : 'deleted'}: the Node is gone`);
        return;
    }
  }

  private step(node: string, text: string): void {
    this.o.onStep?.(node, text);
  }
}

function minutes(ms: number): string {
  return ms >= 60_000 ? `${(ms / 60_000).toFixed(ms % 60_000 === 0 ? 0 : 1)} min` : `${Math.round(ms / 1000)} s`;
}
