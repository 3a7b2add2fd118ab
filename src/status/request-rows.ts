// The `requests` list of `GET /api/v1/status`, the status page and `reboot-manager status`: every live
// MaintenanceRequest and the ones ended lately, from the request and node caches (no API call per request).
import type { NodeView } from '../kube/node-view.js';
import { heldBy } from '../requests/lifecycle.js';
import { firstCome, isTerminal, validSpec, type MaintenanceRequestView, type PhaseTimes, type RequestPhase } from '../requests/request.js';
import { slotOf } from '../slot/encoding.js';
import { drainFields, NO_DRAIN, type DrainFields } from './rows.js';

/** Ended requests listed: at most this many, the latest first... */
export const ENDED_SHOWN = 20;
/** ...and none that ended longer ago than this. */
export const ENDED_KEPT_MS = 24 * 3600_000;

/** Field names are part of the status API (documented in the README): add fields, never rename. */
export interface RequestRow extends DrainFields {
  readonly name: string;
  /** spec.nodeName. */
  readonly node: string;
  /** status.phase; `Pending` until reboot-manager first writes it. */
  readonly phase: RequestPhase;
  readonly requester: string;
  readonly reason: string;
  /** The budget group (spec.group). */
  readonly group: string;
  /** spec.drain: the node is cordoned and drained before approval. */
  readonly drains: boolean;
  /** status.message: why it is still pending (a refusal's words), what it may do now, or how it ended. */
  readonly message: string;
  /** It holds its node's reboot slot now; the drain fields are its node's while it does. */
  readonly holding: boolean;
  readonly createdAt: string | null;
  /** When it entered its current phase. */
  readonly since: string | null;
  /** status.times: when it entered each phase. */
  readonly times: PhaseTimes;
  /** When it ran past spec.finishWithinSeconds, else null. */
  readonly overrunAt: string | null;
}

const TIME_OF: Record<RequestPhase, keyof PhaseTimes> = { Pending: 'pending', Approved: 'approved', InProgress: 'inProgress', Completed: 'completed', Expired: 'expired', Rejected: 'rejected' };

const iso = (ms: number): string | null => (Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : null);

function rowOf(r: MaintenanceRequestView, nodes: ReadonlyMap<string, NodeView>): RequestRow {
  const spec = validSpec(r);
  const nodeName = spec?.nodeName ?? ('problem' in r.spec ? r.spec.nodeName : '');
  const node = nodes.get(nodeName);
  const slot = node && heldBy(r, slotOf(node));
  const phase = r.status?.phase ?? 'Pending';
  const times = r.status?.times ?? {};
  return {
    name: r.name,
    node: nodeName,
    phase,
    requester: spec?.requester ?? '',
    reason: spec?.reason ?? '',
    group: spec?.group ?? '',
    drains: spec?.drain ?? false,
    message: r.status?.message ?? '',
    holding: slot !== undefined,
    ...(node && slot ? drainFields(node, slot) : NO_DRAIN),
    createdAt: iso(r.createdAt),
    since: times[TIME_OF[phase]] ?? iso(r.createdAt),
    times,
    overrunAt: r.status?.overrunAt ?? null,
  };
}

/** When an ended request ended (ms), for the order and the cut. */
function endedAt(row: RequestRow): number {
  const at = Date.parse(row.since ?? '');
  return Number.isFinite(at) ? at : 0;
}

/** Live requests first come first, then those ended within ENDED_KEPT_MS, the latest first, at most ENDED_SHOWN. */
export function requestRows(requests: Iterable<MaintenanceRequestView>, nodes: Iterable<NodeView>, now: number): RequestRow[] {
  const byName = new Map<string, NodeView>();
  for (const n of nodes) byName.set(n.name, n);
  const live: MaintenanceRequestView[] = [];
  const ended: RequestRow[] = [];
  for (const r of requests) {
    if (isTerminal(r)) ended.push(rowOf(r, byName));
    else live.push(r);
  }
  const recent = ended
    .filter((row) => now - endedAt(row) <= ENDED_KEPT_MS)
    .sort((a, b) => endedAt(b) - endedAt(a) || (a.name < b.name ? -1 : 1))
    .slice(0, ENDED_SHOWN);
  return [...live.sort(firstCome).map((r) => rowOf(r, byName)), ...recent];
}
