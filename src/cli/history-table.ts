// `reboot-manager history [NODE]` as a table: each reboot's timeline, newest first, with the durations.
import type { HistoryRow } from '../status/history-rows.js';
import { ageAt, formatAge, formatTable } from './status-table.js';

/** `PodDisruptionBudget shop/web 2m, ...`: what held the drain up and for how long. */
function blockedBy(r: HistoryRow): string {
  if (r.blocked.length === 0) return '-';
  return r.blocked.map((b) => `${b.what} ${formatAge(Math.max(0, Math.round((Date.parse(b.to ?? r.released) - Date.parse(b.from)) / 1000)))}`).join(', ');
}

export function formatHistoryTable(rows: readonly HistoryRow[], now: number): string {
  if (rows.length === 0) return 'no reboot recorded (each Node keeps its last 5)';
  const header = ['NODE', 'HELD BY', 'RELEASED', 'WAITED', 'DRAIN', 'EVICTED', 'DOWN', 'HELD', 'REASON', 'BLOCKED BY'];
  return formatTable(
    header,
    rows.map((r) => [
      r.node,
      r.source === 'maintenance-request' ? `maintenancerequest/${r.holder}` : `fleetlock (${r.group})`,
      `${ageAt(r.released, now)} ago`,
      formatAge(r.waitedSeconds),
      formatAge(r.drainSeconds),
      String(r.evicted),
      formatAge(r.downSeconds),
      formatAge(r.heldSeconds),
      r.rebooted ? r.reason : `${r.reason} (no reboot seen)`,
      blockedBy(r),
    ]),
  );
}
