// Drain progress in words, for the refusal, the `rebootmanager/drain` annotation, Events and logs.
import type { DrainProgress } from './slot.js';

const MAX_BLOCKERS = 3;

/** What blocks the drain, e.g. `PodDisruptionBudget shop/web and 2 more`; '' when nothing does. */
export function describeBlockers(blockers: readonly string[]): string {
  if (blockers.length === 0) return '';
  const shown = blockers.slice(0, MAX_BLOCKERS).join(', ');
  return blockers.length > MAX_BLOCKERS ? `${shown} and ${blockers.length - MAX_BLOCKERS} more` : shown;
}

/** One line an operator reads: `3/7 pods evicted; 1 terminating; waiting on PodDisruptionBudget shop/web`. */
export function describeProgress(p: DrainProgress): string {
  if (p.done === 'drained') return `drained: ${count(p.evicted, 'pod')} evicted`;
  if (p.done === 'granted') return `drain timed out; reboot granted anyway with ${count(p.total - p.evicted, 'pod')} left (policy grant)`;
  const parts = [`${p.evicted}/${p.total} pods evicted`];
  if (p.terminating > 0) parts.push(`${p.terminating} terminating`);
  if (p.blockers.length > 0) parts.push(`waiting on ${describeBlockers(p.blockers)}`);
  if (p.ownPodLast) parts.push("reboot-manager's own pod goes last");
  const text = parts.join('; ');
  return p.timedOut ? `drain timed out after ${formatDuration(p.timedOut.afterMs)} (policy ${p.timedOut.policy}); ${text}` : text;
}

/** `90000` -> `1m30s`, for messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}

/** `1 pod`, `3 pods`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
