// `reboot-manager status` as a table; the rows come from `src/status`, shared with the server's status API.
import type { PolicySection } from '../status/policy-section.js';
import type { StatusRow } from '../status/rows.js';

export function formatAge(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** A kubectl-style table: upper-case headers, columns padded to their widest cell. */
export function formatStatusTable(rows: readonly StatusRow[]): string {
  const header = ['NODE', 'LOCK', 'GROUP', 'PHASE', 'HELD FOR', 'READY', 'CORDONED', 'DRAIN'];
  const cells = rows.map((r) => [r.node, r.lock, r.group || '-', r.phase || '-', formatAge(r.heldForSeconds), r.ready ? 'True' : 'False', r.cordoned || '-', r.drain || '-']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]): string => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i] ?? 0))).join('   ');
  return [line(header), ...cells.map(line)].join('\n');
}

/** Reasons listed under the table before "and N more": the status page has them all. */
const SUMMARY_REASONS = 5;

/**
 * Lines under the table when the server's snapshot is read (`--server`): the policy in force, a rejected edit, and
 * what holds new reboots back, as refusals say it. None with only the flags and nothing held back.
 */
export function formatPolicySummary(policy: PolicySection): string[] {
  const lines: string[] = [];
  if (policy.source === 'object') lines.push(`Policy: RebootPolicy default, generation ${policy.generation ?? '?'}`);
  const r = policy.rejection;
  if (r) lines.push(`Rejected: generation ${r.generation} at ${r.at}: ${r.field}: ${r.reason}; ${policy.source === 'object' ? `generation ${policy.generation ?? '?'} stays` : 'the flags stay'} in force`);
  for (const h of policy.holding.slice(0, SUMMARY_REASONS)) lines.push(`Held back: ${h.rule}: ${h.message}`);
  if (policy.holding.length > SUMMARY_REASONS) lines.push(`Held back: and ${policy.holding.length - SUMMARY_REASONS} more (the status page lists them)`);
  return lines;
}
