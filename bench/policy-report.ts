// The policy scenario's section of the output: the refused pre-reboot with and without a RebootPolicy, and its floors.
import { answeredAsExpected, answersText, floorsTable, ms, type Floor, type ScenarioResult } from './report.js';

/** Issue 11: a policy of 10 pools, 3 windows and 2 blockers costs at most 10 % of the throughput. */
export const POLICY_SHARE_FLOOR = 0.9;

export interface PolicyComparison {
  readonly without: ScenarioResult;
  readonly with: ScenarioResult;
  /** Every run of each, in order: how much the machine's other load moved them. */
  readonly runs: { readonly without: readonly ScenarioResult[]; readonly with: readonly ScenarioResult[] };
  /** What ran, one line each: cluster, load, policy. */
  readonly configuration: readonly string[];
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/**
 * With / without, one ratio per pair of runs made back to back (run i of each side: the rounds go A B B A),
 * so each ratio compares two runs that saw the machine's other load alike; the median ignores the odd bad pair.
 */
export function pairedShares(runs: PolicyComparison['runs']): number[] {
  const pairs = Math.min(runs.with.length, runs.without.length);
  return Array.from({ length: pairs }, (_, i) => (runs.with[i]?.load.perSecond ?? 0) / (runs.without[i]?.load.perSecond ?? 1));
}

export function policyFloors(c: PolicyComparison): Floor[] {
  const shares = pairedShares(c.runs);
  const share = median(shares);
  const same = answeredAsExpected(c.with) && answeredAsExpected(c.without);
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
  return [
    {
      name: `a refused pre-reboot under the policy at least ${100 * POLICY_SHARE_FLOOR} % of the throughput without one (median of the back-to-back pairs)`,
      pass: share >= POLICY_SHARE_FLOOR,
      detail: `${pct(share)} over ${shares.length} pairs (${shares.map(pct).join(', ')})`,
    },
    {
      name: `the same answer with and without the policy (${c.without.expected})`,
      pass: same,
      detail: `without: ${answersText(c.without.load)}; with: ${answersText(c.with.load)}`,
    },
  ];
}

const cpu = (s: ScenarioResult): string => (s.cpuUsPerRequest === undefined ? 'n/a' : s.cpuUsPerRequest.toFixed(1));

const runsText = (runs: readonly ScenarioResult[]): string => runs.map((s) => `${s.load.perSecond.toFixed(0)} (${cpu(s)})`).join(', ');

export function policyMarkdown(c: PolicyComparison, floors: readonly Floor[]): string {
  const row = (label: string, s: ScenarioResult): string =>
    `| ${label} | ${s.load.perSecond.toFixed(0)} | ${ms(s.load.p50Ms)} | ${ms(s.load.p99Ms)} | ${cpu(s)} | ${answersText(s.load)} |`;
  const ratio = c.with.load.perSecond / c.without.load.perSecond;
  const cpuRatio = c.with.cpuUsPerRequest !== undefined && c.without.cpuUsPerRequest !== undefined ? c.with.cpuUsPerRequest / c.without.cpuUsPerRequest : undefined;
  return [
    '### Pre-reboot refused, with and without a RebootPolicy',
    '',
    ...c.configuration.flatMap((line) => [line, '']),
    '| Policy | Req/s | p50 ms | p99 ms | CPU µs / req | Answers (best round) |',
    '|---|---:|---:|---:|---:|---|',
    row('none (the flags)', c.without),
    row('RebootPolicy in force', c.with),
    '',
    `With the policy / without: throughput ${ratio.toFixed(3)}${cpuRatio === undefined ? '' : `, CPU per request ${cpuRatio.toFixed(3)}`} (best runs); throughput ${median(pairedShares(c.runs)).toFixed(3)} (median of the back-to-back pairs).`,
    '',
    `Every run, req/s (CPU µs / req): without ${runsText(c.runs.without)}; with ${runsText(c.runs.with)}.`,
    '',
    ...floorsTable(floors),
    '',
  ].join('\n');
}
