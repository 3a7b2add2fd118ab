// The `waiting` list of `GET /api/v1/status`, the status page and `reboot-manager status`: every node refused a
// slot that still asks (its Node's wait record), and every pending MaintenanceRequest not holding its node yet.
import type { NodeView } from '../kube/node-view.js';
import { heldBy } from '../requests/lifecycle.js';
import { isTerminal, validSpec, type MaintenanceRequestView } from '../requests/request.js';
import { slotOf } from '../slot/encoding.js';
import { compareNatural } from '../slot/natural-order.js';
import { waitingNodes } from '../slot/waiting.js';

/** Field names are part of the status API (documented in the README): add fields, never rename. */
export interface WaitingRow {
  readonly node: string;
  /** Who asks: a FleetLock client (Zincati, the Azure agent) or a MaintenanceRequest. */
  readonly source: 'fleetlock' | 'maintenance-request';
  /** The MaintenanceRequest's name, '' for FleetLock. */
  readonly request: string;
  readonly group: string;
  /** The first refusal of this wait (RFC 3339). */
  readonly since: string;
  /** Refused asks counted so far (FleetLock; the count on the Node lags by up to 15 minutes), null for a request. */
  readonly asks: number | null;
  /** The latest refusal recorded (RFC 3339). */
  readonly lastAsked: string;
  /** Why it waits: the FleetLock refusal's kind (`slots_full`, `blocked`) and words; `pending` and the status message for a request. */
  readonly kind: string;
  readonly reason: string;
}

/** Longest wait first. */
export function waitingRows(nodes: Iterable<NodeView>, requests: Iterable<MaintenanceRequestView>, now: number): WaitingRow[] {
  const all = [...nodes];
  const rows: WaitingRow[] = waitingNodes(all, now).map(({ node, wait }) => ({
    node: node.name, source: 'fleetlock', request: '', group: wait.group, since: wait.since, asks: wait.asks, lastAsked: wait.last, kind: wait.kind, reason: wait.reason,
  }));
  const byName = new Map(all.map((n) => [n.name, n]));
  for (const r of requests) {
    const spec = validSpec(r);
    if (!spec || isTerminal(r) || r.status?.phase !== 'Pending') continue;
    const node = byName.get(spec.nodeName);
    if (node && heldBy(r, slotOf(node))) continue; // it holds the node and drains: not waiting
    const since = r.status.times.pending ?? new Date(r.createdAt).toISOString();
    rows.push({ node: spec.nodeName, source: 'maintenance-request', request: r.name, group: spec.group, since, asks: null, lastAsked: since, kind: 'pending', reason: r.status.message });
  }
  return rows.sort((a, b) => Date.parse(a.since) - Date.parse(b.since) || compareNatural(a.node, b.node));
}
