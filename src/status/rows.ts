// One row per Node, as `reboot-manager status` prints it and `GET /api/v1/status` serves it: the CLI
// (from a one-off list) and the server (from its watch-fed cache) share this code, so they agree.
import type { NodeView } from '../kube/node-view.js';
import { Annotation, releasedAt, slotOf } from '../slot/encoding.js';
import { describeBlockers, describeProgress } from '../slot/progress-text.js';

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
}

export function statusRows(nodes: Iterable<NodeView>, now: number): StatusRow[] {
  const rows: StatusRow[] = [];
  for (const node of nodes) rows.push(rowOf(node, now));
  // Holders first, then by name: what an operator looks for comes on top.
  return rows.sort((a, b) => Number(b.lock === 'Rebooting') - Number(a.lock === 'Rebooting') || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
}

function rowOf(node: NodeView, now: number): StatusRow {
  const slot = slotOf(node);
  const claimedAt = slot ? Date.parse(slot.claimedAt) : NaN;
  const progress = slot?.drain ?? null;
  // The line kubectl shows; written from the data, so it says the same (a node may carry only the line).
  const drain = slot ? (node.annotations[Annotation.drain] ?? (progress ? describeProgress(progress) : '')) : '';
  const released = releasedAt(node);
  const running = progress !== null && progress.done === null;
  return {
    node: node.name,
    lock: slot ? 'Rebooting' : 'Ready',
    group: slot?.group ?? '',
    phase: slot?.phase ?? '',
    heldForSeconds: Number.isFinite(claimedAt) ? Math.max(0, Math.round((now - claimedAt) / 1000)) : null,
    claimedAt: Number.isFinite(claimedAt) ? new Date(claimedAt).toISOString() : null,
    ready: node.ready,
    cordoned: node.unschedulable ? (slot?.cordonedByUs ? 'us' : 'admin') : '',
    drain,
    drainEvicted: running ? progress.evicted : null,
    drainTotal: running ? progress.total : null,
    drainWaitingOn: running ? describeBlockers(progress.blockers) : '',
    drainTimedOut: progress?.timedOut != null,
    releasedAt: released === undefined ? null : new Date(released).toISOString(),
  };
}
