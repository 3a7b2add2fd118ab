// The RebootPolicy the policy scenario applies: 10 pools, 3 windows open now, a pod blocker and an alert blocker,
// none of which holds a claim back, so every refusal stays the `slots_full` of the full cluster budget.
import { DateTime } from 'luxon';
import { AGENT_POOL_LABEL, agentPoolOf } from '../src/sim/kube/index.js';

export const POOLS = 10;
const ZONES = ['UTC', 'America/New_York', 'Asia/Tokyo'] as const;
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Even pools a count of nodes (2 to 6), odd ones a percentage (2 % to 10 %): never 1, so the holder's pool has room. */
function poolBudget(k: number): number | string {
  return k % 2 === 0 ? 2 + k / 2 : `${k + 1}%`;
}

/** "HH:00" in `zone`, `hours` from `now`. */
function hourIn(zone: string, now: number, hours: number): string {
  return DateTime.fromMillis(now + hours * 3_600_000, { zone }).toFormat('HH:00');
}

interface Selector {
  readonly matchLabels: Record<string, string>;
}

/** The spec as sent; `src/policy/parse.ts` says what each field means. */
export interface BenchPolicySpec {
  readonly pools: readonly { readonly name: string; readonly nodeSelector: Selector; readonly maxUnavailable: number | string }[];
  readonly windows: readonly { readonly days: readonly string[]; readonly start: string; readonly end: string; readonly timeZone: string }[];
  readonly blockers: {
    readonly pods: readonly { readonly name: string; readonly selector: Selector }[];
    readonly alerts: readonly { readonly name: string; readonly url: string; readonly selector: Selector }[];
  };
}

/** The spec, with windows from an hour before `now` to about three hours after, every day, in three zones. */
export function benchPolicySpec(now: number, alertsUrl: string): BenchPolicySpec {
  return {
    pools: Array.from({ length: POOLS }, (_, k) => ({
      name: agentPoolOf(k, POOLS),
      nodeSelector: { matchLabels: { [AGENT_POOL_LABEL]: agentPoolOf(k, POOLS) } },
      maxUnavailable: poolBudget(k),
    })),
    windows: ZONES.map((timeZone) => ({ days: DAYS, start: hourIn(timeZone, now, -1), end: hourIn(timeZone, now, 3), timeZone })),
    blockers: {
      // No pod carries this label: the watch lists nothing and blocks nothing.
      pods: [{ name: 'backup-jobs', selector: { matchLabels: { 'app.kubernetes.io/name': 'nightly-backup' } } }],
      alerts: [{ name: 'critical-alerts', url: alertsUrl, selector: { matchLabels: { severity: 'critical' } } }],
    },
  };
}

/** One line for the printed configuration. */
export function policySummary(s: BenchPolicySpec): string {
  const pools = s.pools.map((p) => `${p.name} ${p.maxUnavailable}`).join(', ');
  const windows = s.windows.map((w) => `${w.start}–${w.end} ${w.timeZone}`).join(', ');
  const pods = s.blockers.pods.map((b) => `pods "${b.name}" (its selector matches no pod)`);
  const alerts = s.blockers.alerts.map((b) => `alerts "${b.name}" (a loopback Prometheus with no alert firing, asked every 30 s)`);
  return `${s.pools.length} pools selecting on ${AGENT_POOL_LABEL} (maxUnavailable: ${pools}); ${s.windows.length} cluster windows, every day, open now (${windows}); blockers: ${[...pods, ...alerts].join(' and ')}.`;
}
