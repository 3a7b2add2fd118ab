// The drain scenario's table and floor.
import type { DrainBenchResult } from './drain.js';
import type { Floor } from './report.js';

/** Evictions run in parallel: the drain takes about the longest grace period, not their sum. */
export const DRAIN_OVERHEAD_MS = 2000;

export function drainFloor(r: DrainBenchResult): Floor {
  const limit = 1.2 * r.longestGraceMs + DRAIN_OVERHEAD_MS;
  return {
    name: `drain wall time within 1.2x the longest grace period + ${DRAIN_OVERHEAD_MS / 1000} s`,
    pass: r.wallMs <= limit,
    detail: `${(r.wallMs / 1000).toFixed(2)} s vs limit ${(limit / 1000).toFixed(2)} s`,
  };
}

export function drainMarkdown(r: DrainBenchResult, pods: number, graceMsPerSecond: number, floor: Floor): string {
  return [
    `Drain: ${pods} pods on one node, grace periods 1-120 s (scaled: ${graceMsPerSecond} ms per second), each app under a PodDisruptionBudget; default options.`,
    '',
    '| Drain | Value |',
    '|---|---:|',
    `| Wall time, first pre-reboot to 200 | ${(r.wallMs / 1000).toFixed(2)} s |`,
    `| Longest grace period (scaled) | ${(r.longestGraceMs / 1000).toFixed(2)} s |`,
    `| Kubernetes API calls per pod | ${r.apiCallsPerPod.toFixed(2)} |`,
    '',
    '| Floor | Result | Measured |',
    '|---|---|---|',
    `| ${floor.name} | ${floor.pass ? 'PASS' : 'FAIL'} | ${floor.detail} |`,
    '',
  ].join('\n');
}
