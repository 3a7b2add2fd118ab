// The slot's one encoding on the Node: scalar annotations an operator reads with kubectl, drain progress as JSON.
import { ANNOTATION_PREFIX, sameView, type NodeView } from '../kube/node-view.js';
import { decodeDisturbed, type Disturbed } from './disturbed.js';
import { describeProgress } from './progress-text.js';
import { FLEETLOCK, type BlockedSpan, type DrainProgress, type Phase, type Slot, type SlotSource } from './slot.js';

export const Annotation = {
  /** The lock: `Rebooting` exactly while the node holds a reboot slot, else `Ready`. */
  status: `${ANNOTATION_PREFIX}status`,
  group: `${ANNOTATION_PREFIX}group`,
  id: `${ANNOTATION_PREFIX}id`,
  claim: `${ANNOTATION_PREFIX}claim`,
  claimedAt: `${ANNOTATION_PREFIX}claimed-at`,
  bootId: `${ANNOTATION_PREFIX}boot-id`,
  /** `claimed` -> `draining` -> `drained`; a pre-reboot is answered 200 only when `drained`. */
  phase: `${ANNOTATION_PREFIX}phase`,
  cordoned: `${ANNOTATION_PREFIX}cordoned`,
  releaseRequested: `${ANNOTATION_PREFIX}release-requested`,
  /** Drain progress as JSON (the data). */
  drainProgress: `${ANNOTATION_PREFIX}drain-progress`,
  /** Drain progress as one line for `kubectl describe node`; written from the data, never read back. */
  drain: `${ANNOTATION_PREFIX}drain`,
  /** Who holds the slot: `fleetlock` (also when absent: slots taken before requests existed) or `maintenance-request`. */
  source: `${ANNOTATION_PREFIX}source`,
  /** The MaintenanceRequest holding the slot: its name and uid. */
  request: `${ANNOTATION_PREFIX}request`,
  requestUid: `${ANNOTATION_PREFIX}request-uid`,
  /** `true` when the holder asked not to be drained (a request with drain: false). */
  skipDrain: `${ANNOTATION_PREFIX}skip-drain`,
  /** When reboot-manager last released this node's slot (RFC 3339); kept after the release for --settle-time. */
  releasedAt: `${ANNOTATION_PREFIX}released-at`,
  /** What the last drain disturbed, as JSON (src/slot/disturbed.ts); kept after the release for the health gate, cleared by the next claim. */
  disturbed: `${ANNOTATION_PREFIX}disturbed`,
  /** The timeline of the slot held now: when its wait began, when it was granted, when the node went down (RFC 3339). */
  askedAt: `${ANNOTATION_PREFIX}asked-at`,
  grantedAt: `${ANNOTATION_PREFIX}granted-at`,
  downAt: `${ANNOTATION_PREFIX}down-at`,
  /** The last few reboots' timelines as JSON (src/slot/history.ts), newest first; kept by releases. */
  history: `${ANNOTATION_PREFIX}history`,
  /** A refused node's wait as JSON (src/slot/waiting.ts); cleared by its claim. */
  waiting: `${ANNOTATION_PREFIX}waiting`,
} as const;

/** Annotations a release keeps: they describe the release itself, not the slot. */
export const KEPT_BY_RELEASE = new Set<string>([Annotation.disturbed, Annotation.history]);

export const STATUS_REBOOTING = 'Rebooting';
export const STATUS_READY = 'Ready';

const PHASES: readonly Phase[] = ['claimed', 'draining', 'drained'];

/** The slot `node` holds, decoded from its annotations; undefined when it holds none. */
export function slotOf(node: Pick<NodeView, 'annotations'>): Slot | undefined {
  const a = node.annotations;
  if (a[Annotation.status] !== STATUS_REBOOTING) return undefined;
  const phase = a[Annotation.phase];
  return {
    source: sourceOf(a),
    group: a[Annotation.group] ?? 'default',
    id: a[Annotation.id] ?? '',
    claim: a[Annotation.claim] ?? a[Annotation.claimedAt] ?? '',
    phase: PHASES.includes(phase as Phase) ? (phase as Phase) : 'claimed',
    claimedAt: a[Annotation.claimedAt] ?? '',
    bootId: a[Annotation.bootId] ?? '',
    cordonedByUs: a[Annotation.cordoned] === 'true',
    releaseRequestedAt: a[Annotation.releaseRequested] ?? null,
    drain: decodeProgress(a[Annotation.drainProgress]),
  };
}

/** The annotations of a whole slot (a claim). */
export function slotAnnotations(slot: Slot): Record<string, string | null> {
  return {
    [Annotation.status]: STATUS_REBOOTING,
    [Annotation.group]: slot.group,
    [Annotation.id]: slot.id,
    [Annotation.claim]: slot.claim,
    [Annotation.claimedAt]: slot.claimedAt,
    [Annotation.bootId]: slot.bootId,
    [Annotation.phase]: slot.phase,
    [Annotation.cordoned]: slot.cordonedByUs ? 'true' : null,
    [Annotation.releaseRequested]: slot.releaseRequestedAt,
    ...sourceAnnotations(slot.source),
    ...progressAnnotations(slot.drain),
  };
}

const REQUEST_SOURCE = 'maintenance-request';

/** Who holds a slot in one word: the `rebootmanager/source` annotation, the status API's `source`, the metrics' `source` label. */
export type SourceName = 'fleetlock' | typeof REQUEST_SOURCE;

export function sourceName(source: Pick<SlotSource, 'kind'>): SourceName {
  return source.kind === 'request' ? REQUEST_SOURCE : 'fleetlock';
}

function sourceAnnotations(source: SlotSource): Record<string, string | null> {
  if (source.kind === 'fleetlock') return { [Annotation.source]: sourceName(source), [Annotation.request]: null, [Annotation.requestUid]: null, [Annotation.skipDrain]: null };
  return { [Annotation.source]: sourceName(source), [Annotation.request]: source.name, [Annotation.requestUid]: source.uid, [Annotation.skipDrain]: source.drain ? null : 'true' };
}

function sourceOf(a: Readonly<Record<string, string>>): SlotSource {
  if (a[Annotation.source] !== REQUEST_SOURCE) return FLEETLOCK;
  return { kind: 'request', name: a[Annotation.request] ?? '', uid: a[Annotation.requestUid] ?? '', drain: a[Annotation.skipDrain] !== 'true' };
}

export function progressAnnotations(progress: DrainProgress | null): Record<string, string | null> {
  if (!progress) return { [Annotation.drainProgress]: null, [Annotation.drain]: null };
  return { [Annotation.drainProgress]: JSON.stringify(progress), [Annotation.drain]: describeProgress(progress) };
}

/**
 * When the node cache raises an event: as `sameView`, and also on a heartbeat of a holder waiting for one
 * (its release is judged on a kubelet status posted after its steady-state).
 */
export function sameForSlots(a: NodeView, b: NodeView): boolean {
  return sameView(a, b) && (a.heartbeat === b.heartbeat || b.annotations[Annotation.releaseRequested] === undefined);
}

/** The holder was seen down after its grant (its history has a `down` time). */
export const hasDownAt = (node: Pick<NodeView, 'annotations'>): boolean => node.annotations[Annotation.downAt] !== undefined;

/** When reboot-manager last released `node`'s slot (ms), or undefined. */
export function releasedAt(node: Pick<NodeView, 'annotations'>): number | undefined {
  const at = Date.parse(node.annotations[Annotation.releasedAt] ?? '');
  return Number.isFinite(at) ? at : undefined;
}

/** What `node`'s last drain disturbed, or undefined when it carries no (readable) record. */
export function disturbedOf(node: Pick<NodeView, 'annotations'>): Disturbed | undefined {
  return decodeDisturbed(node.annotations[Annotation.disturbed]);
}

function decodeProgress(raw: string | undefined): DrainProgress | null {
  if (!raw) return null;
  try {
    const p = JSON.parse(raw) as Partial<DrainProgress>;
    const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
    const timedOut = p.timedOut && typeof p.timedOut === 'object' ? p.timedOut : null;
    return {
      evicted: n(p.evicted),
      total: n(p.total),
      terminating: n(p.terminating),
      blockers: Array.isArray(p.blockers) ? p.blockers.filter((b): b is string => typeof b === 'string') : [],
      ownPodLast: p.ownPodLast === true,
      timedOut: timedOut && ['refuse', 'delete', 'grant'].includes(timedOut.policy) ? { afterMs: n(timedOut.afterMs), policy: timedOut.policy } : null,
      done: p.done === 'drained' || p.done === 'granted' ? p.done : null,
      ...(typeof p.doneAt === 'string' ? { doneAt: p.doneAt } : {}),
      ...(Array.isArray(p.blocked) ? { blocked: p.blocked.filter(isSpan) } : {}),
    };
  } catch {
    return null; // written by hand or by another version: shown as no progress, and a drain starts counting afresh
  }
}

function isSpan(s: unknown): s is BlockedSpan {
  const v = s as Partial<BlockedSpan> | null;
  return typeof v === 'object' && v !== null && typeof v.what === 'string' && typeof v.from === 'string' && (v.to === null || typeof v.to === 'string');
}
