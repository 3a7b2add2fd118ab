// Pure policy: does a scheduled event concern this VM, and must the node be drained for it?
import type { ScheduledEvent } from './scheduled-events.js';

export interface DecisionPolicy {
  /** Types that always need a drain. Default Reboot, Redeploy, Preempt, Terminate. */
  readonly impactfulTypes: ReadonlySet<string>;
  /** Types that give as little as 30 s and take the VM regardless: asked for in the urgent group. */
  readonly urgentTypes: ReadonlySet<string>;
  /** A Freeze this long or longer (or of unknown length, -1) needs a drain; shorter ones are ignored. */
  readonly freezeThresholdSeconds: number;
}

export const DEFAULT_POLICY: DecisionPolicy = {
  impactfulTypes: new Set(['Reboot', 'Redeploy', 'Preempt', 'Terminate']),
  urgentTypes: new Set(['Preempt', 'Terminate']),
  // Microsoft's own sample treats a Freeze shorter than about 9 s as no impact.
  freezeThresholdSeconds: 9,
};

export interface Decision {
  readonly eventId: string;
  readonly eventType: string;
  /** Our own VM name is in `Resources`, compared exactly. */
  readonly concernsUs: boolean;
  /** Concerns us and needs a drain. */
  readonly impactful: boolean;
  /** Impactful and of an urgent type: ask in the urgent group. */
  readonly urgent: boolean;
  /** `Resources` lists VMs other than ours: approving would release them too. */
  readonly shared: boolean;
  readonly reason: string;
}

function impact(event: ScheduledEvent, policy: DecisionPolicy): { impactful: boolean; reason: string } {
  const type = event.eventType;
  if (policy.impactfulTypes.has(type)) return { impactful: true, reason: `${type} is an impactful event type` };
  if (type === 'Freeze') {
    const d = event.durationInSeconds;
    if (d === -1) return { impactful: true, reason: 'Freeze of unknown duration counts as impactful' };
    if (d >= policy.freezeThresholdSeconds) {
      return { impactful: true, reason: `Freeze of ${d} s reaches the ${policy.freezeThresholdSeconds} s threshold` };
    }
    return { impactful: false, reason: `Freeze of ${d} s is below the ${policy.freezeThresholdSeconds} s threshold` };
  }
  if (!event.known) return { impactful: false, reason: `unknown event type ${JSON.stringify(type)} is not acted on` };
  return { impactful: false, reason: `${type} is not configured as impactful` };
}

/** Decides one event for the VM named `vmName` (exactly `compute.name`). */
export function decide(event: ScheduledEvent, vmName: string, policy: DecisionPolicy): Decision {
  const base = { eventId: event.eventId, eventType: event.eventType };
  const shared = event.resources.some((r) => r !== vmName);
  // Exact match only: `vmss_1` must never match `vmss_10`.
  if (!event.resources.includes(vmName)) {
    return { ...base, concernsUs: false, impactful: false, urgent: false, shared, reason: `not for this VM (${vmName} is not in Resources)` };
  }
  const { impactful, reason } = impact(event, policy);
  const urgent = impactful && policy.urgentTypes.has(event.eventType);
  return { ...base, concernsUs: true, impactful, urgent, shared, reason: urgent ? `${reason}; urgent` : reason };
}
