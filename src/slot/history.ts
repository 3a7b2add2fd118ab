// Each reboot's timeline, kept on its Node: written by the release itself, so it survives restarts and failovers.
import type { NodeView } from '../kube/node-view.js';
import { Annotation, sourceName, type SourceName } from './encoding.js';
import type { BlockedSpan, ReleaseReason, Slot } from './slot.js';

/** Reboots remembered per node, newest first: a few suffice to see a pattern, and each Node carries its own. */
export const HISTORY_PER_NODE = 5;

/** One slot from ask to release; times are RFC 3339, null when the step did not happen (or was not seen). */
export interface RebootRecord {
  readonly source: SourceName;
  /** The FleetLock id, or the MaintenanceRequest's name. */
  readonly holder: string;
  readonly group: string;
  /** The first refused ask of the wait that ended in this claim; the claim itself when a slot was free. */
  readonly asked: string;
  readonly claimed: string;
  readonly drained: string | null;
  /** The first "yes": the FleetLock 200, or the request's approval. */
  readonly granted: string | null;
  /** First seen NotReady after the grant. */
  readonly down: string | null;
  /** Ready again (the Ready condition's transition), when it ended with the node back. */
  readonly back: string | null;
  readonly released: string;
  readonly reason: ReleaseReason;
  /** A new bootID was seen: the node did reboot. */
  readonly rebooted: boolean;
  readonly evicted: number;
  readonly blocked: readonly BlockedSpan[];
}

export function historyOf(node: Pick<NodeView, 'annotations'>): RebootRecord[] {
  const raw = node.annotations[Annotation.history];
  if (!raw) return [];
  try {
    const list = JSON.parse(raw) as unknown;
    return Array.isArray(list) ? list.filter(isRecord) : [];
  } catch {
    return []; // edited by hand: the next release starts a fresh history
  }
}

/** The record of `slot`, ending now for `reason`, from what the Node shows. */
export function recordOf(node: NodeView, slot: Slot, at: number, reason: ReleaseReason): RebootRecord {
  const a = node.annotations;
  const rebooted = node.bootId !== '' && slot.bootId !== '' && node.bootId !== slot.bootId;
  const backAt = node.ready && (rebooted || a[Annotation.downAt]) ? node.readySince : 0;
  return {
    source: sourceName(slot.source),
    holder: slot.source.kind === 'request' ? slot.source.name : slot.id,
    group: slot.group,
    asked: a[Annotation.askedAt] ?? slot.claimedAt,
    claimed: slot.claimedAt,
    drained: slot.drain?.doneAt ?? null,
    granted: a[Annotation.grantedAt] ?? null,
    down: a[Annotation.downAt] ?? null,
    back: backAt > 0 ? new Date(backAt).toISOString() : null,
    released: new Date(at).toISOString(),
    reason,
    rebooted,
    evicted: slot.drain?.evicted ?? 0,
    blocked: slot.drain?.blocked ?? [],
  };
}

/** The history annotation with `record` added first, bounded. */
export function withRecord(node: Pick<NodeView, 'annotations'>, record: RebootRecord): string {
  return JSON.stringify([record, ...historyOf(node)].slice(0, HISTORY_PER_NODE));
}

function isRecord(r: unknown): r is RebootRecord {
  const v = r as Partial<RebootRecord> | null;
  return typeof v === 'object' && v !== null && typeof v.claimed === 'string' && typeof v.released === 'string' && typeof v.reason === 'string' && Array.isArray(v.blocked);
}
