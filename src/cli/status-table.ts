// `reboot-manager status` as a table; the rows come from `src/status`, shared with the server's status API.
import { rejectedPauseText, staysInForce } from '../policy/in-force.js';
import type { PolicySection } from '../status/policy-section.js';
import type { RequestRow } from '../status/request-rows.js';
import type { StatusRow } from '../status/rows.js';
import type { WaitingRow } from '../status/waiting-rows.js';

export function formatAge(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86_400)}d`;
}

// Requester and reason come from anyone who may create a request: no control character reaches the terminal.
const printable = (v: string): string => v.replace(/\p{Cc}/gu, '\uFFFD');

/** A kubectl-style table: upper-case headers, columns padded to their widest cell, the last one not. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = rows.map((r) => r.map(printable));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]): string => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i] ?? 0))).join('   ');
  return [line(header), ...cells.map(line)].join('\n');
}

/** Who holds the slot as kubectl names it: `fleetlock`, or `maintenancerequest/NAME` (`kubectl describe` takes it). */
function heldBy(r: StatusRow): string {
  if (r.source === 'fleetlock') return 'fleetlock';
  if (r.source === 'maintenance-request') return `maintenancerequest/${r.request}`;
  return '-';
}

export function formatStatusTable(rows: readonly StatusRow[]): string {
  const header = ['NODE', 'LOCK', 'HELD BY', 'GROUP', 'PHASE', 'HELD FOR', 'READY', 'CORDONED', 'DRAIN'];
  return formatTable(
    header,
    rows.map((r) => [r.node, r.lock, heldBy(r), r.group || '-', r.phase || '-', formatAge(r.heldForSeconds), r.ready ? 'True' : 'False', r.cordoned || '-', r.drain || '-']),
  );
}

const ENDED = new Set(['Completed', 'Expired', 'Rejected']);

/**
 * The live MaintenanceRequests under the node table, `now` (ms) the moment their ages count to; no lines when none is
 * live. The message says why a request waits, or until when it may go on.
 */
export function formatRequestsTable(requests: readonly RequestRow[], now: number): string[] {
  const live = requests.filter((r) => !ENDED.has(r.phase));
  if (live.length === 0) return [];
  const age = (iso: string | null): string => ageAt(iso, now);
  const header = ['MAINTENANCE REQUEST', 'NODE', 'PHASE', 'SINCE', 'REQUESTER', 'REASON', 'MESSAGE'];
  return [formatTable(header, live.map((r) => [r.name, r.node, r.phase, age(r.since), r.requester || '-', r.reason || '-', r.message || '-']))];
}

/** `now` - `iso` as an age, `-` when unknown. */
export function ageAt(iso: string | null, now: number): string {
  const at = iso === null ? NaN : Date.parse(iso);
  return formatAge(Number.isFinite(at) ? Math.max(0, Math.round((now - at) / 1000)) : null);
}

/** Who waits for a slot and why, longest first; no lines when nobody waits. */
export function formatWaitingTable(waiting: readonly WaitingRow[], now: number): string[] {
  if (waiting.length === 0) return [];
  const via = (w: WaitingRow): string => (w.source === 'maintenance-request' ? `maintenancerequest/${w.request}` : `fleetlock (${w.group})`);
  const header = ['WAITING', 'ASKS THROUGH', 'FOR', 'ASKS', 'LAST REFUSAL RECORDED'];
  return [formatTable(header, waiting.map((w) => [w.node, via(w), ageAt(w.since, now), w.asks === null ? '-' : String(w.asks), `${w.kind}: ${w.reason}`]))];
}

/** Reasons listed under the table before "and N more": the status page has them all. */
const SUMMARY_REASONS = 5;

/**
 * Lines under the table when the server's snapshot is read (`--server`): the policy in force, a rejected edit, and
 * what holds new reboots back, as refusals say it. None with only the flags and nothing held back.
 */
export function formatPolicySummary(policy: PolicySection): string[] {
  const lines: string[] = [];
  const r = policy.rejection;
  if (policy.source === 'object') lines.push(`Policy: RebootPolicy default, generation ${policy.generation ?? '?'}${r ? ' (last accepted)' : ''}`);
  if (r) lines.push(`Rejected: generation ${r.generation} at ${r.at}: ${r.field}: ${r.reason}; ${staysInForce(policy.source === 'object' ? (policy.generation ?? undefined) : undefined)}${rejectedPauseText(r.pauseApplies, policy.pause !== null)}`);
  for (const h of policy.holding.slice(0, SUMMARY_REASONS)) lines.push(`Held back: ${h.rule}: ${h.message}`);
  if (policy.holding.length > SUMMARY_REASONS) lines.push(`Held back: and ${policy.holding.length - SUMMARY_REASONS} more (the status page lists them)`);
  return lines;
}
