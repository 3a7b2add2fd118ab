// One step of a MaintenanceRequest's lifecycle, as a pure function of what the caches show: the status it should
// have and the one slot action that moves it on. Level-triggered: any leader, at any time, computes the same step.
import type { NodeView } from '../kube/node-view.js';
import type { Slot } from '../slot/slot.js';
import { isTerminal, validSpec, type MaintenanceRequestView, type PhaseTimes, type RequestSpec, type RequestStatus } from './request.js';

export interface RequestFacts {
  readonly request: MaintenanceRequestView;
  /** The Node `spec.nodeName` names, if it exists. */
  readonly node: NodeView | undefined;
  /** That node's slot, whoever holds it. */
  readonly slot: Slot | undefined;
  /** A live request for the same node that came first, if any. */
  readonly earlier: MaintenanceRequestView | undefined;
  /** `--urgent-groups`: a request may not ask in one (they skip the policy; only a node's own imds-agent may use them). */
  readonly urgentGroups: ReadonlySet<string>;
  readonly now: number;
}

export type RequestAction =
  | { readonly kind: 'none' }
  /** Ask for the slot: the coordinator's answer (a refusal) becomes the pending message. */
  | { readonly kind: 'claim'; readonly spec: RequestSpec }
  /** Drain, then approve: the coordinator's answer until drained (`draining: ...`) is the pending message. */
  | { readonly kind: 'advance'; readonly slot: Slot }
  /** The requester is done: the slot goes once the node is Ready. */
  | { readonly kind: 'request-release'; readonly slot: Slot }
  /** The slot ends now. */
  | { readonly kind: 'release'; readonly slot: Slot; readonly why: string; readonly reason: 'request_expired' | 'request_deleted' };

export interface RequestStep {
  readonly status: RequestStatus;
  readonly action: RequestAction;
  /** The finishing deadline passed in this step: reported once (Event, metric). */
  readonly overran?: boolean;
  /** When to look again though nothing changes (a deadline), ms. */
  readonly wakeAt?: number;
}

const NONE: RequestAction = { kind: 'none' };

const seconds = (ms: number): string => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`);

/** Why a request may not ask in urgent group `group`: they pass pause, windows and blockers, and are the node's own imds-agent's. */
export function urgentGroupProblem(group: string): string {
  return `spec.group: ${group} is an urgent group (--urgent-groups), which passes pause, windows and blockers; only a node's own imds-agent may ask in it: use another group`;
}

/** The slot `facts.slot` if this request holds it (name and uid), else undefined. */
export function heldBy(request: MaintenanceRequestView, slot: Slot | undefined): Slot | undefined {
  return slot && slot.source.kind === 'request' && slot.source.uid === request.uid ? slot : undefined;
}

export function nextStep(f: RequestFacts): RequestStep {
  const { request: r, now } = f;
  const iso = new Date(now).toISOString();
  const ours = heldBy(r, f.slot);
  const times = r.status?.times ?? {};
  const status = (phase: RequestStatus['phase'], message: string, extra: PhaseTimes = {}, overrunAt?: string): RequestStatus => ({
    phase,
    message,
    times: { pending: times.pending ?? iso, ...times, ...(ours ? { claimed: times.claimed ?? ours.claimedAt } : {}), ...extra },
    ...(overrunAt ? { overrunAt } : {}),
  });
  const endHere = (phase: 'Expired' | 'Rejected' | 'Completed', message: string, key: 'expired' | 'rejected' | 'completed'): RequestStep => ({
    status: status(phase, message, { [key]: times[key] ?? iso }),
    action: ours ? { kind: 'release', slot: ours, why: `MaintenanceRequest ${r.name} ${phase.toLowerCase()}: ${message}`, reason: 'request_expired' } : NONE,
  });

  if (isTerminal(r) && r.status) {
    // Ended, yet still holding (a leader stopped between the two writes): give the slot back.
    return { status: r.status, action: ours ? { kind: 'release', slot: ours, why: `MaintenanceRequest ${r.name} is ${r.status.phase}`, reason: 'request_expired' } : NONE };
  }
  const spec = validSpec(r);
  if (!spec) return endHere('Rejected', 'problem' in r.spec ? r.spec.problem : 'invalid spec', 'rejected');
  if (!f.node) return endHere('Rejected', `node ${spec.nodeName} does not exist`, 'rejected');
  if (!ours && f.earlier) return endHere('Rejected', `MaintenanceRequest ${f.earlier.name} already asks for node ${spec.nodeName}`, 'rejected');
  // A slot taken in one before this check existed is left to finish: rejecting it would end the work mid-way.
  if (!ours && f.urgentGroups.has(spec.group)) return endHere('Rejected', urgentGroupProblem(spec.group), 'rejected');

  if (!ours) {
    if (spec.state === 'Completed') {
      // Approved before: the slot just went back (the node is Ready); else the requester withdrew while it waited.
      const words = times.approved
        ? `completed: the slot of node ${spec.nodeName} was given back with the node Ready`
        : times.claimed
          ? `completed by the requester before it was approved: the drain stopped and the slot of node ${spec.nodeName} was given back`
          : 'completed by the requester before it was approved; nothing was held';
      return endHere('Completed', words, 'completed');
    }
    const had = r.status?.phase === 'Approved' || r.status?.phase === 'InProgress';
    if (had) return endHere('Expired', `the slot of node ${spec.nodeName} was given back by someone else (reboot-manager release, or the Node was re-created)`, 'expired');
    if (f.slot) {
      const holder = f.slot.source.kind === 'request' ? `MaintenanceRequest ${f.slot.source.name}` : `FleetLock id ${f.slot.id} (group ${f.slot.group})`;
      return { status: status('Pending', `held: node ${spec.nodeName} holds a reboot slot for ${holder} since ${f.slot.claimedAt}; waiting for it to end`), action: NONE };
    }
    return { status: status('Pending', r.status?.phase === 'Pending' ? r.status.message : 'waiting for a slot'), action: { kind: 'claim', spec } };
  }

  if (spec.state === 'Completed') {
    const phase = ours.phase === 'drained' ? (r.status?.phase === 'InProgress' ? 'InProgress' : 'Approved') : 'Pending';
    return { status: status(phase, `completed by the requester: the slot is given back once node ${spec.nodeName} is Ready`), action: { kind: 'request-release', slot: ours } };
  }
  if (ours.phase !== 'drained') {
    return { status: status('Pending', r.status?.phase === 'Pending' && r.status.message.startsWith('draining') ? r.status.message : 'claimed: draining starts'), action: { kind: 'advance', slot: ours } };
  }

  const approvedAt = times.approved ?? iso;
  if (spec.state === 'Requested') {
    const deadline = Date.parse(approvedAt) + spec.startWithinMs;
    if (now >= deadline) return endHere('Expired', `not started within ${seconds(spec.startWithinMs)} of approval (set spec.state to InProgress)`, 'expired');
    return { status: status('Approved', `approved: node ${spec.nodeName} is yours until ${new Date(deadline).toISOString()} to start (spec.state InProgress)`, { approved: approvedAt }), action: NONE, wakeAt: deadline };
  }

  const startedAt = times.inProgress ?? iso;
  const deadline = Date.parse(startedAt) + spec.finishWithinMs;
  const started = { approved: approvedAt, inProgress: startedAt };
  if (now < deadline) return { status: status('InProgress', `in progress: finish by ${new Date(deadline).toISOString()} (spec.state Completed)`, started), action: NONE, wakeAt: deadline };
  const overrunAt = r.status?.overrunAt ?? iso;
  const overran = r.status?.overrunAt === undefined;
  const late = `overran its ${seconds(spec.finishWithinMs)} to finish`;
  if (f.node.ready) {
    const ended = endHere('Expired', `${late}: the slot was given back with node ${spec.nodeName} Ready`, 'expired');
    return { ...ended, status: { ...ended.status, times: { ...started, ...ended.status.times }, overrunAt }, overran };
  }
  return { status: status('InProgress', `${late}: the slot is given back once node ${spec.nodeName} is Ready`, started, overrunAt), action: NONE, overran };
}
