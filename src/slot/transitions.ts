// The slot's transitions as pure functions of the Node as the API server has it: each returns the change
// to write (if any) and the outcome. The coordinator and the drain apply them through compare-and-swap.
import type { Decision } from '../kube/nodes.js';
import type { NodeChange, NodeView } from '../kube/node-view.js';
import { encodeDisturbed, type Disturbed } from './disturbed.js';
import { Annotation, disturbedOf, KEPT_BY_RELEASE, progressAnnotations, slotAnnotations, slotOf, STATUS_READY } from './encoding.js';
import { recordOf, withRecord } from './history.js';
import type { DrainProgress, ReleaseReason, Slot, SlotSource } from './slot.js';
import { waitingOf } from './waiting.js';

export interface ClaimRequest {
  readonly group: string;
  readonly id: string;
  /** Unique per claim attempt: a retry after a lost answer finds its own claim by it. */
  readonly claim: string;
  readonly at: number;
  readonly source: SlotSource;
}

export type ClaimOutcome =
  /** The slot is ours, written now or by an earlier attempt of this same claim. */
  | { readonly kind: 'claimed'; readonly slot: Slot }
  /** The node already holds a slot from another claim. */
  | { readonly kind: 'held'; readonly slot: Slot };

export function claim(node: NodeView, req: ClaimRequest): Decision<ClaimOutcome> {
  const held = slotOf(node);
  if (held) return { outcome: { kind: held.claim === req.claim ? 'claimed' : 'held', slot: held } };
  const slot: Slot = {
    source: req.source,
    group: req.group,
    id: req.id,
    claim: req.claim,
    phase: 'claimed',
    claimedAt: new Date(req.at).toISOString(),
    bootId: node.bootId,
    cordonedByUs: false,
    releaseRequestedAt: null,
    drain: null,
  };
  // The last drain's record goes: this claim's drain writes its own. The wait ends here; when it began goes into the history.
  const asked = waitingOf(node)?.since ?? slot.claimedAt;
  const timeline = { [Annotation.askedAt]: asked, [Annotation.grantedAt]: null, [Annotation.downAt]: null, [Annotation.waiting]: null };
  return { write: { annotations: { ...slotAnnotations(slot), ...timeline, [Annotation.disturbed]: null } }, outcome: { kind: 'claimed', slot } };
}

export type CordonOutcome =
  /** We set `spec.unschedulable` and recorded that we did. */
  | 'cordoned'
  /** Someone else had cordoned it: their cordon stays after the release. */
  | 'already-cordoned'
  /** An earlier attempt already moved the claim to `draining`. */
  | 'already-draining'
  /** The claim was released or replaced meanwhile: nothing was written. */
  | 'claim-gone';

/** Moves the claim to `draining`, cordoning the node only if it was schedulable. */
export function startDrain(node: NodeView, claimToken: string): Decision<CordonOutcome> {
  const slot = ours(node, claimToken);
  if (!slot) return { outcome: 'claim-gone' };
  if (slot.phase !== 'claimed') return { outcome: 'already-draining' };
  if (node.unschedulable) return { write: { annotations: { [Annotation.phase]: 'draining' } }, outcome: 'already-cordoned' };
  return { write: { annotations: { [Annotation.phase]: 'draining', [Annotation.cordoned]: 'true' }, unschedulable: true }, outcome: 'cordoned' };
}

/** Records drain progress, and what the drain disturbed, while the same claim holds; the outcome says whether it still does. */
export function recordDrain(node: NodeView, claimToken: string, progress: DrainProgress, disturbed?: Disturbed): Decision<'held' | 'claim-gone'> {
  const slot = ours(node, claimToken);
  if (!slot) return { outcome: 'claim-gone' };
  const annotations: Record<string, string | null> = progressAnnotations(progress);
  if (disturbed) annotations[Annotation.disturbed] = encodeDisturbed(disturbed);
  if (Object.entries(annotations).every(([k, v]) => k === Annotation.drain || node.annotations[k] === v)) return { outcome: 'held' };
  return { write: { annotations }, outcome: 'held' };
}

/**
 * The health gate is done with the release made at `releasedAtIso`: marked on its record, so no leader waits
 * for it again. Nothing is written when the node was claimed or released again meanwhile, or is marked already.
 */
export function settleRelease(node: NodeView, releasedAtIso: string, by: 'whole' | 'timeout', at: number): Decision<'settled' | 'moved-on'> {
  const record = disturbedOf(node);
  if (slotOf(node) || node.annotations[Annotation.releasedAt] !== releasedAtIso || !record) return { outcome: 'moved-on' };
  if (record.settled) return { outcome: 'settled' };
  return { write: { annotations: { [Annotation.disturbed]: encodeDisturbed({ ...record, settled: { at: new Date(at).toISOString(), by } }) } }, outcome: 'settled' };
}

/** The holder is safe to reboot: recorded before the first 200 is sent. */
export function markDrained(node: NodeView, claimToken: string, at: number): Decision<'drained' | 'claim-gone'> {
  const slot = ours(node, claimToken);
  if (!slot) return { outcome: 'claim-gone' };
  if (slot.phase === 'drained') return { outcome: 'drained' };
  return { write: { annotations: { [Annotation.phase]: 'drained', [Annotation.grantedAt]: new Date(at).toISOString() } }, outcome: 'drained' };
}

/** A granted node seen NotReady: when it went down, for the history (once per slot). */
export function markDown(node: NodeView, at: number): Decision<'marked' | 'not-down'> {
  const slot = slotOf(node);
  if (!slot || slot.phase !== 'drained' || node.ready || node.annotations[Annotation.downAt]) return { outcome: 'not-down' };
  return { write: { annotations: { [Annotation.downAt]: new Date(node.readySince > 0 ? node.readySince : at).toISOString() } }, outcome: 'marked' };
}

/**
 * The node is back from its reboot, on evidence from its kubelet newer than the slot: Ready with a new
 * bootID, or Ready in a status the kubelet posted after the holder said steady-state. A remembered
 * Ready is no evidence: a node that reboots faster than the node controller marks it NotReady still
 * shows the last boot's Ready. A MaintenanceRequest's slot needs its requester's "done" first, rebooted or not.
 */
export function isBack(node: NodeView, slot: Slot): boolean {
  if (!node.ready) return false;
  const rebooted = node.bootId !== '' && node.bootId !== slot.bootId;
  // A new boot ends a FleetLock slot; a request's node may reboot or not, and only its requester's "done" ends it.
  if (slot.source.kind === 'fleetlock' && rebooted) return true;
  if (slot.releaseRequestedAt === null) return false;
  if (rebooted) return true;
  // Ready must be posted after the release was asked for: a Ready from before a reboot that just began is stale.
  // Heartbeats have whole seconds: one in the request's second counts, as a reboot takes longer than a second.
  return Date.parse(node.heartbeat) >= Math.floor(Date.parse(slot.releaseRequestedAt) / 1000) * 1000;
}

export type SteadyStateOutcome =
  | { readonly kind: 'released' | 'release-requested' | 'other-group' | 'other-holder'; readonly slot: Slot }
  | { readonly kind: 'not-held' };

/** Steady-state from the holder's client: release now if the node is back, else remember the request. */
export function steadyState(node: NodeView, group: string, at: number): Decision<SteadyStateOutcome> {
  const slot = slotOf(node);
  if (!slot) return { outcome: { kind: 'not-held' } };
  // A MaintenanceRequest holds it: only the request's own lifecycle gives it back.
  if (slot.source.kind !== 'fleetlock') return { outcome: { kind: 'other-holder', slot } };
  const released = { write: releaseChange(node, slot, at, 'steady_state'), outcome: { kind: 'released', slot } } as const;
  // Two clients on one node (Zincati and the Azure agent) share its id: only the group that took the slot gives it back.
  if (slot.group !== group) return { outcome: { kind: 'other-group', slot } };
  // Never granted, so never rebooted: the client no longer needs the slot (an update or event called off).
  if (slot.phase !== 'drained') return released;
  if (slot.releaseRequestedAt !== null) return isBack(node, slot) ? released : { outcome: { kind: 'release-requested', slot } };
  const requested: Slot = { ...slot, releaseRequestedAt: new Date(at).toISOString() };
  if (isBack(node, requested)) return released;
  return { write: { annotations: { [Annotation.releaseRequested]: requested.releaseRequestedAt } }, outcome: { kind: 'release-requested', slot } };
}

export type ReturnOutcome = { readonly kind: 'released'; readonly reason: ReleaseReason; readonly slot: Slot } | { readonly kind: 'away' } | { readonly kind: 'not-held' };

/** The reconciler's release: the holder is back, whether or not its client calls again. */
export function releaseIfBack(node: NodeView, at: number): Decision<ReturnOutcome> {
  const slot = slotOf(node);
  if (!slot) return { outcome: { kind: 'not-held' } };
  if (!isBack(node, slot)) return { outcome: { kind: 'away' } };
  const reason = slot.source.kind === 'request' ? 'request_completed' : node.bootId !== slot.bootId ? 'rebooted' : 'steady_state';
  return { write: releaseChange(node, slot, at, reason), outcome: { kind: 'released', reason, slot } };
}

/** Gives back one claim (a tie-break loser); a later claim of the node, or a granted one, is left alone. */
export function withdraw(node: NodeView, claimToken: string, at: number, reason: 'withdrawn' | 'window_closed'): Decision<{ readonly kind: 'withdrawn'; readonly slot: Slot } | { readonly kind: 'claim-gone' }> {
  const slot = ours(node, claimToken);
  // A granted node may be rebooting now: its slot ends only when it is back.
  if (!slot || slot.phase === 'drained') return { outcome: { kind: 'claim-gone' } };
  return { write: releaseChange(node, slot, at, reason), outcome: { kind: 'withdrawn', slot } };
}

/** A MaintenanceRequest's slot ends (expired, deleted, rejected): given back whatever its phase. */
export function releaseClaim(node: NodeView, claimToken: string, at: number, reason: ReleaseReason): Decision<{ readonly kind: 'released'; readonly slot: Slot } | { readonly kind: 'claim-gone' }> {
  const slot = ours(node, claimToken);
  if (!slot) return { outcome: { kind: 'claim-gone' } };
  return { write: releaseChange(node, slot, at, reason), outcome: { kind: 'released', slot } };
}

/** The requester is done: the slot is released once the node is Ready (`isBack`). */
export function requestRelease(node: NodeView, claimToken: string, at: number): Decision<'requested' | 'claim-gone'> {
  const slot = ours(node, claimToken);
  if (!slot) return { outcome: 'claim-gone' };
  if (slot.releaseRequestedAt !== null) return { outcome: 'requested' };
  return { write: { annotations: { [Annotation.releaseRequested]: new Date(at).toISOString() } }, outcome: 'requested' };
}

/** An operator gives the slot back, whatever state it is in. */
export function releaseByOperator(node: NodeView, at: number): Decision<{ readonly kind: 'released'; readonly slot: Slot } | { readonly kind: 'not-held' }> {
  const slot = slotOf(node);
  if (!slot) return { outcome: { kind: 'not-held' } };
  return { write: releaseChange(node, slot, at, 'manual'), outcome: { kind: 'released', slot } };
}

/**
 * Gives the slot back: `Ready`, when, and why in the history; what the drain disturbed kept, every other annotation
 * of ours removed, uncordoned only if we cordoned.
 */
export function releaseChange(node: NodeView, slot: Slot, at: number, reason: ReleaseReason): NodeChange {
  const annotations: Record<string, string | null> = {};
  for (const key of Object.keys(node.annotations)) if (!KEPT_BY_RELEASE.has(key)) annotations[key] = null;
  annotations[Annotation.status] = STATUS_READY;
  annotations[Annotation.releasedAt] = new Date(at).toISOString();
  annotations[Annotation.history] = withRecord(node, recordOf(node, slot, at, reason));
  return slot.cordonedByUs ? { annotations, unschedulable: false } : { annotations };
}

function ours(node: NodeView, claimToken: string): Slot | undefined {
  const slot = slotOf(node);
  return slot && slot.claim === claimToken ? slot : undefined;
}
