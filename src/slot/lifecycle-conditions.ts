// The slot as KEP-5683 Node lifecycle conditions: what the Node should say, and the difference to write.
import { LIFECYCLE_CONDITIONS, type ConditionWrite, type LifecycleConditions, type LifecycleConditionType } from '../kube/node-view.js';
import { describeProgress } from './progress-text.js';
import type { Slot } from './slot.js';

/** Every reason reboot-manager writes: a lifecycle condition with any other reason is another actor's, and never written. */
export const ConditionReason = {
  /** A FleetLock client (Zincati, the Azure agent) holds the slot. */
  rebootRequested: 'RebootRequested',
  /** A MaintenanceRequest holds the slot. */
  maintenanceRequested: 'MaintenanceRequested',
  /** Every pod that had to leave is gone. */
  drainCompleted: 'DrainCompleted',
  /** The drain timed out and `--drain-timeout-policy grant` let the reboot go with pods left. */
  drainTimedOut: 'DrainTimedOut',
  /** The slot was given back. */
  maintenanceCompleted: 'MaintenanceCompleted',
} as const;

const OURS: ReadonlySet<string> = new Set(Object.values(ConditionReason));

/** Who holds the slot, as the conditions name it. */
export interface Holder {
  /** The reason of the conditions the hold sets True (one of ConditionReason). */
  readonly reason: string;
  /** E.g. `FleetLock id 4f2a… in group default since 2026-04-01T12:00:00Z`. */
  readonly who: string;
}

/** One case per slot source: each names its holder and brings its own reason. */
export function holderOf(slot: Slot): Holder {
  if (slot.source.kind === 'request') return { reason: ConditionReason.maintenanceRequested, who: `MaintenanceRequest ${slot.source.name} in group ${slot.group} since ${slot.claimedAt}` };
  return { reason: ConditionReason.rebootRequested, who: `FleetLock id ${slot.id} in group ${slot.group} since ${slot.claimedAt}` };
}

export interface DesiredCondition {
  readonly status: 'True' | 'False';
  readonly reason: string;
  readonly message: string;
}

export type DesiredConditions = Readonly<Record<LifecycleConditionType, DesiredCondition>>;

/** The four conditions as the slot (or its absence) has them: by phase, and Drained as soon as the drain is done. */
export function desiredConditions(slot: Slot | undefined): DesiredConditions {
  if (!slot) {
    const done: DesiredCondition = { status: 'False', reason: ConditionReason.maintenanceCompleted, message: 'the reboot slot was given back' };
    return { MaintenancePlanned: done, MaintenanceInProgress: done, DrainInProgress: done, Drained: done };
  }
  const { reason, who } = holderOf(slot);
  const yes = (message: string): DesiredCondition => ({ status: 'True', reason, message });
  const no = (message: string): DesiredCondition => ({ status: 'False', reason, message });
  const planned = yes(`reboot slot held by ${who}`);
  const waiting = no(`${who} waits for the drain`);
  if (slot.phase === 'claimed') {
    const notStarted = no(`the drain for ${who} has not started`);
    return { MaintenancePlanned: planned, DrainInProgress: notStarted, Drained: notStarted, MaintenanceInProgress: waiting };
  }
  if (slot.phase === 'draining' && !slot.drain?.done) {
    return { MaintenancePlanned: planned, DrainInProgress: yes(`draining for ${who}`), Drained: no(`the drain for ${who} has not finished`), MaintenanceInProgress: waiting };
  }
  // Drained as soon as the drain is done; in progress once the holder was told to go (phase `drained`).
  const drained: DesiredCondition = {
    status: 'True',
    reason: slot.drain?.done === 'granted' ? ConditionReason.drainTimedOut : ConditionReason.drainCompleted,
    // Pod counts stay out: progress written after the grant would rewrite the condition for nothing.
    message: `${slot.drain?.done === 'granted' ? describeProgress(slot.drain) : 'drained'}, for ${who}`,
  };
  const going = slot.phase === 'drained' ? yes(`${who} may take the node down now`) : no(`${who} is granted the reboot when it asks again`);
  return { MaintenancePlanned: planned, DrainInProgress: { ...drained, status: 'False' }, Drained: drained, MaintenanceInProgress: going };
}

/**
 * What to write so `present` says what the slot does, at `at` (ms): a True condition is added where missing,
 * a False one only replaces one of ours (a node never written gets none), another actor's is never touched.
 * The times move only with the status.
 */
export function lifecycleChanges(slot: Slot | undefined, present: LifecycleConditions, at: number): ConditionWrite[] {
  const want = desiredConditions(slot);
  const now = new Date(at).toISOString().replace(/\.\d+Z$/, 'Z');
  const out: ConditionWrite[] = [];
  for (const type of LIFECYCLE_CONDITIONS) {
    const d = want[type];
    const c = present[type];
    if (c ? !OURS.has(c.reason) : d.status === 'False') continue;
    if (c && c.status === d.status && c.reason === d.reason && c.message === d.message) continue;
    const moved = c?.status !== d.status;
    out.push({ type, ...d, ...(moved ? { lastTransitionTime: now, lastHeartbeatTime: now } : {}) });
  }
  return out;
}
