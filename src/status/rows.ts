// One row per Node, as `reboot-manager status` prints it and `GET /api/v1/status` serves it: the CLI
// (from a one-off list) and the server (from its watch-fed cache) share this code, so they agree.
import type { NodeView } from '../kube/node-view.js';
import type { MaintenanceRequestView } from '../requests/request.js';
import { validSpec } from '../requests/request.js';
import { Annotation, releasedAt, slotOf, sourceName, type SourceName } from '../slot/encoding.js';
import { describeBlockers, describeProgress } from '../slot/progress-text.js';
import { compareNatural } from '../slot/natural-order.js';
import type { Slot } from '../slot/slot.js';

/**
 * Field names are part of the status API (documented in the README): add fields, never rename.
 * Text fields are '' when they do not apply; numbers and times are null.
 */
export interface StatusRow {
  readonly node: string;
  /** `Rebooting` while the node holds a slot, else `Ready`. */
  readonly lock: 'Rebooting' | 'Ready';
  /** FleetLock group the slot was taken in. */
  readonly group: string;
  /** `claimed`, `draining` or `drained` while it holds a slot. */
  readonly phase: string;
  /** Seconds since the slot was taken. */
  readonly heldForSeconds: number | null;
  /** When the slot was taken (RFC 3339). */
  readonly claimedAt: string | null;
  /** The Node's Ready condition. */
  readonly ready: boolean;
  /** `us` when reboot-manager cordoned it, `admin` when someone else did, else ''. */
  readonly cordoned: '' | 'us' | 'admin';
  /** The drain progress line, e.g. `3/7 pods evicted; waiting on PodDisruptionBudget shop/web`. */
  readonly drain: string;
  /** Broken out of `drain` when it has `n/m pods evicted`. */
  readonly drainEvicted: number | null;
  readonly drainTotal: number | null;
  /** What the drain waits on (the part of `drain` after `waiting on`). */
  readonly drainWaitingOn: string;
  /** The drain timeout has passed. */
  readonly drainTimedOut: boolean;
  /** When reboot-manager last released this node's slot (RFC 3339), kept after the release. */
  readonly releasedAt: string | null;
  /** Who holds the slot: `fleetlock` (Zincati, the Azure agent) or `maintenance-request`; '' when none. */
  readonly source: '' | SourceName;
  /** The FleetLock id the holder asked with (FleetLock holders). */
  readonly fleetlockId: string;
  /** The MaintenanceRequest holding the slot: its name, and from the request itself its requester, reason and phase. */
  readonly request: string;
  readonly requester: string;
  readonly reason: string;
  readonly requestPhase: string;
}

/** The drain fields of a row, from a slot: a request's row shows its node's. */
export type DrainFields = Pick<StatusRow, 'drain' | 'drainEvicted' | 'drainTotal' | 'drainWaitingOn' | 'drainTimedOut'>;

export const NO_DRAIN: DrainFields = { drain: '', drainEvicted: null, drainTotal: null, drainWaitingOn: '', drainTimedOut: false };

export function drainFields(node: Pick<NodeView, 'annotations'>, slot: Slot): DrainFields {
  const progress = slot.drain;
  const running = progress !== null && progress.done === null;
  return {
    // The line kubectl shows; written from the data, so it says the same (a node may carry only the line).
    drain: node.annotations[Annotation.drain] ?? (progress ? describeProgress(progress) : ''),
    drainEvicted: running ? progress.evicted : null,
    drainTotal: running ? progress.total : null,
    drainWaitingOn: running ? describeBlockers(progress.blockers) : '',
    drainTimedOut: progress?.timedOut != null,
  };
}

/** `requests`: the MaintenanceRequests known (a cache); a request holder's requester and reason come from there. */
export function statusRows(nodes: Iterable<NodeView>, now: number, requests: Iterable<MaintenanceRequestView> = []): StatusRow[] {
  const byUid = new Map<string, MaintenanceRequestView>();
  for (const r of requests) byUid.set(r.uid, r);
  const rows: StatusRow[] = [];
  for (const node of nodes) rows.push(rowOf(node, now, byUid));
  // Holders first, then by name (node-2 before node-10): what an operator looks for comes on top.
  return rows.sort((a, b) => Number(b.lock === 'Rebooting') - Number(a.lock === 'Rebooting') || compareNatural(a.node, b.node));
}

function holderFields(slot: Slot | undefined, requests: ReadonlyMap<string, MaintenanceRequestView>): Pick<StatusRow, 'source' | 'fleetlockId' | 'request' | 'requester' | 'reason' | 'requestPhase'> {
  if (!slot) return { source: '', fleetlockId: '', request: '', requester: '', reason: '', requestPhase: '' };
  if (slot.source.kind === 'fleetlock') return { source: sourceName(slot.source), fleetlockId: slot.id, request: '', requester: '', reason: '', requestPhase: '' };
  // By uid: a request re-created under the same name is not the holder.
  const r = requests.get(slot.source.uid);
  const spec = r && validSpec(r);
  return { source: sourceName(slot.source), fleetlockId: '', request: slot.source.name, requester: spec?.requester ?? '', reason: spec?.reason ?? '', requestPhase: r ? (r.status?.phase ?? 'Pending') : '' };
}

function rowOf(node: NodeView, now: number, requests: ReadonlyMap<string, MaintenanceRequestView>): StatusRow {
  const slot = slotOf(node);
  const claimedAt = slot ? Date.parse(slot.claimedAt) : NaN;
  const released = releasedAt(node);
  return {
    node: node.name,
    lock: slot ? 'Rebooting' : 'Ready',
    group: slot?.group ?? '',
    phase: slot?.phase ?? '',
    heldForSeconds: Number.isFinite(claimedAt) ? Math.max(0, Math.round((now - claimedAt) / 1000)) : null,
    claimedAt: Number.isFinite(claimedAt) ? new Date(claimedAt).toISOString() : null,
    ready: node.ready,
    cordoned: node.unschedulable ? (slot?.cordonedByUs ? 'us' : 'admin') : '',
    ...(slot ? drainFields(node, slot) : NO_DRAIN),
    releasedAt: released === undefined ? null : new Date(released).toISOString(),
    ...holderFields(slot, requests),
  };
}
