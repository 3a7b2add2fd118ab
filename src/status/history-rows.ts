// Reboot histories for `GET /api/v1/history`, the status page and `reboot-manager history`: each Node's records,
// flattened and newest first, with the durations an operator asks about.
import type { NodeView } from '../kube/node-view.js';
import { historyOf, type RebootRecord } from '../slot/history.js';
import { compareNatural } from '../slot/natural-order.js';

/** Cluster-wide, at most this many of the latest reboots are listed (each Node keeps its own last few). */
export const CLUSTER_HISTORY_SHOWN = 200;

/** Field names are part of the status API (documented in the README): add fields, never rename. */
export interface HistoryRow extends RebootRecord {
  readonly node: string;
  /** Seconds from the first refused ask to the claim. */
  readonly waitedSeconds: number | null;
  /** Seconds from the claim to drained. */
  readonly drainSeconds: number | null;
  /** Seconds from down to back. */
  readonly downSeconds: number | null;
  /** Seconds from the claim to the release. */
  readonly heldSeconds: number | null;
}

const seconds = (from: string | null, to: string | null): number | null => {
  const ms = Date.parse(to ?? '') - Date.parse(from ?? '');
  return Number.isFinite(ms) ? Math.max(0, Math.round(ms / 1000)) : null;
};

export function historyRow(node: string, r: RebootRecord): HistoryRow {
  return { node, ...r, waitedSeconds: seconds(r.asked, r.claimed), drainSeconds: seconds(r.claimed, r.drained), downSeconds: seconds(r.down, r.back), heldSeconds: seconds(r.claimed, r.released) };
}

/** One node's history (`node`), or the cluster's latest reboots, newest first. */
export function historyRows(nodes: Iterable<Pick<NodeView, 'name' | 'annotations'>>, node?: string, limit = CLUSTER_HISTORY_SHOWN): HistoryRow[] {
  const rows: HistoryRow[] = [];
  for (const n of nodes) {
    if (node !== undefined && n.name !== node) continue;
    for (const r of historyOf(n)) rows.push(historyRow(n.name, r));
  }
  return rows.sort((a, b) => Date.parse(b.released) - Date.parse(a.released) || compareNatural(a.node, b.node)).slice(0, limit);
}
