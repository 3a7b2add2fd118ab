import type { DrainTimeoutPolicy } from './options.js';

export interface ProgressState {
  /** Pods that had to leave and are gone. */
  readonly gone: number;
  /** Pods that had to leave, gone or not. */
  readonly total: number;
  readonly terminating: number;
  /** Distinct reasons pods cannot be evicted yet, e.g. `PodDisruptionBudget shop/web`. */
  readonly blockers: readonly string[];
  readonly ownPodLast: boolean;
  readonly timedOut: { readonly after: string; readonly policy: DrainTimeoutPolicy } | undefined;
}

const MAX_BLOCKERS = 3;

/** One line an operator reads in the refusal, the Node annotation and the logs. */
export function progressText(s: ProgressState): string {
  const parts = [`${s.gone}/${s.total} pods evicted`];
  if (s.terminating > 0) parts.push(`${s.terminating} terminating`);
  if (s.blockers.length > 0) {
    const shown = s.blockers.slice(0, MAX_BLOCKERS).join(', ');
    const more = s.blockers.length > MAX_BLOCKERS ? ` and ${s.blockers.length - MAX_BLOCKERS} more` : '';
    parts.push(`waiting on ${shown}${more}`);
  }
  if (s.ownPodLast) parts.push("reboot-manager's own pod goes last");
  const text = parts.join('; ');
  return s.timedOut ? `drain timed out after ${s.timedOut.after} (policy ${s.timedOut.policy}); ${text}` : text;
}

/** What a drain line says, broken out. */
export interface ParsedProgress {
  /** Pods evicted so far and pods that had to leave; null when the line carries no `n/m pods evicted`. */
  readonly evicted: number | null;
  readonly total: number | null;
  /** What the drain waits on, e.g. `PodDisruptionBudget shop/web and 2 more`; '' when nothing blocks it. */
  readonly waitingOn: string;
  /** The drain timeout has passed (its policy is in the text). */
  readonly timedOut: boolean;
}

const COUNTS = /(?:^|; )(\d+)\/(\d+) pods evicted/;
const WAITING = /(?:^|; )waiting on (.+?)(?=; |$)/;

/**
 * Reads back a line `progressText` wrote, for the status page (progress bar, highlighted blocker).
 * The annotation stays the source of truth (another replica or version may have written it): what does
 * not match is not broken out, and the text itself is always shown.
 */
export function parseProgress(text: string): ParsedProgress {
  const counts = COUNTS.exec(text);
  return {
    evicted: counts ? Number(counts[1]) : null,
    total: counts ? Number(counts[2]) : null,
    waitingOn: WAITING.exec(text)?.[1] ?? '',
    timedOut: text.startsWith('drain timed out'),
  };
}

/** A resumed drain keeps counting where the last replica stopped: `3/7 pods evicted...` -> 3. */
export function goneBefore(annotation: string): number {
  const m = /(?:^|; )(\d+)\/\d+ pods evicted/.exec(annotation);
  return m ? Number(m[1]) : 0;
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
