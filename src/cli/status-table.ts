import { holdOf, type NodeView } from '../kube/node-view.js';

export interface StatusRow {
  readonly node: string;
  /** `Rebooting` while the node holds a slot, else `Ready`. */
  readonly lock: string;
  readonly group: string;
  readonly phase: string;
  /** Seconds since the slot was taken; undefined without a slot. */
  readonly heldForSeconds: number | undefined;
  readonly ready: boolean;
  /** `us` when reboot-manager cordoned it, `admin` when someone else did, else empty. */
  readonly cordoned: string;
  readonly drain: string;
}

export function statusRows(nodes: readonly NodeView[], now: Date): StatusRow[] {
  const rows = nodes.map((node): StatusRow => {
    const hold = holdOf(node);
    const claimedAt = hold ? Date.parse(hold.claimedAt) : NaN;
    return {
      node: node.name,
      lock: hold ? 'Rebooting' : 'Ready',
      group: hold?.group ?? '',
      phase: hold?.phase ?? '',
      heldForSeconds: Number.isFinite(claimedAt) ? Math.max(0, Math.round((now.getTime() - claimedAt) / 1000)) : undefined,
      ready: node.ready,
      cordoned: node.unschedulable ? (hold?.cordonedByUs ? 'us' : 'admin') : '',
      drain: hold?.drain ?? '',
    };
  });
  // Holders first, then by name: what an operator looks for comes on top.
  return rows.sort((a, b) => Number(b.lock === 'Rebooting') - Number(a.lock === 'Rebooting') || (a.node < b.node ? -1 : 1));
}

export function formatAge(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
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
