// `reboot-manager status` as a table; the rows come from `src/status`, shared with the server's status API.
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
