// Maintenance windows: days, start and end in an IANA time zone. (Stub: filled in by the windows work.)
import { PolicyError } from './parse-error.js';

export type Weekday = 'Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri' | 'Sat' | 'Sun';

export interface Window {
  /** Days on which the window opens (in its own time zone). */
  readonly days: readonly Weekday[];
  /** Local wall-clock time, "HH:MM". */
  readonly start: string;
  /** Local wall-clock time, "HH:MM"; at or before `start`: the window ends the next day. */
  readonly end: string;
  /** IANA time zone, e.g. "Europe/Berlin". */
  readonly timeZone: string;
}

export interface WindowState {
  readonly open: boolean;
  /** When open: when the window open now closes (ms since the epoch). */
  readonly closesAt?: number;
  /** When closed: when the next window opens (ms since the epoch). */
  readonly opensAt?: number;
}

/** Parses a list of windows; throws `PolicyError` naming the bad field. */
export function parseWindows(v: unknown, field: string): Window[] {
  if (v === undefined || v === null) return [];
  throw new PolicyError(field, 'windows are not supported yet');
}

/** Whether `now` is inside one of `windows` (no windows: always open). */
export function windowState(windows: readonly Window[], now: number): WindowState {
  void now;
  return windows.length === 0 ? { open: true } : { open: false };
}
