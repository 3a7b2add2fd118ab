// The real-cluster drain's table: the same figures and floor as the simulator's, in real seconds.
import { drainFloor } from '../drain-report.js';
import type { Memory } from '../processes.js';
import { DRAIN_PODS, type RealDrainResult } from './drain.js';

function callsText(calls: Record<string, number>): string {
  const entries = Object.entries(calls);
  return entries.length === 0 ? 'none' : entries.map(([key, count]) => `${key} x${count}`).join(', ');
}

export function realDrainMarkdown(r: RealDrainResult, memory: Memory): { text: string; pass: boolean } {
  // The floor is about evictions running in parallel: it starts at the claim, after the new leader's relist.
  const floor = drainFloor({ ...r, wallMs: r.wallMs - r.firstAnswerMs });
  const text = [
    `Drain: ${DRAIN_PODS} pods of 22 Deployments on one kwok node, grace periods 1-30 s (real seconds; kwok ends each pod at a random point within its grace period), each Deployment under a PodDisruptionBudget; default drain options.`,
    '',
    '| Drain | Value |',
    '|---|---:|',
    `| Wall time, first pre-reboot to 200 | ${(r.wallMs / 1000).toFixed(2)} s |`,
    `| Longest grace period | ${(r.longestGraceMs / 1000).toFixed(2)} s |`,
    `| Kubernetes API calls per pod | ${r.apiCallsPerPod.toFixed(2)} |`,
    `| of which the relist of every Node before the first decision after taking leadership | ${(r.nodeListCalls / DRAIN_PODS).toFixed(2)} (${r.nodeListCalls} pages) |`,
    `| First pre-reboot answered (the claim, after that relist) | ${(r.firstAnswerMs / 1000).toFixed(2)} s |`,
    `| Server resident memory after the drain (VmRSS; peak VmHWM) | ${memory.rssMiB.toFixed(0)} MiB; ${memory.peakMiB.toFixed(0)} MiB |`,
    '',
    `Kubernetes API calls of the ServiceAccount during the drain (Lease and Events not counted per pod): ${callsText(r.calls)}.`,
    '',
    '| Floor | Result | Measured |',
    '|---|---|---|',
    `| ${floor.name}, from the claim's answer | ${floor.pass ? 'PASS' : 'FAIL'} | ${floor.detail} |`,
    '',
  ].join('\n');
  return { text, pass: floor.pass };
}
