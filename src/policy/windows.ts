// Maintenance windows as the policy states them: days, start and end in an IANA time zone, parsed with errors naming the field.
import { IANAZone } from 'luxon';
import { PolicyError, isObj } from './parse-error.js';
import { WEEKDAYS, isWeekday, type Weekday } from './weekdays.js';

export type { Weekday } from './weekdays.js';

export interface Window {
  /** Days on which the window opens (in its own time zone). */
  readonly days: readonly Weekday[];
  /** Local wall-clock time, "HH:MM". */
  readonly start: string;
  /** Local wall-clock time, "HH:MM"; at or before `start`: the window ends the next day (equal: 24 hours). */
  readonly end: string;
  /** IANA time zone, e.g. "Europe/Berlin". */
  readonly timeZone: string;
}

export interface WindowState {
  readonly open: boolean;
  /** When open: when the opening in progress closes (ms since the epoch); unset: not within 8 days. */
  readonly closesAt?: number;
  /** When closed: when the next window opens (ms since the epoch); unset: not within 8 days. */
  readonly opensAt?: number;
}

/** Per scope, as the CRD allows: more is a policy nobody can read at a glance. */
export const MAX_WINDOWS = 16;

const HH_MM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

function localTime(v: unknown, field: string): string {
  if (typeof v === 'string' && HH_MM.test(v)) return v;
  const hint = v === '24:00' ? ' (write "00:00" for midnight: an end at or before the start is the next day)' : '';
  throw new PolicyError(field, `must be a local time "HH:MM" from 00:00 to 23:59, got ${JSON.stringify(v)}${hint}`);
}

function days(v: unknown, field: string): Weekday[] {
  if (!Array.isArray(v)) throw new PolicyError(field, `must be a list of days (${WEEKDAYS.join(', ')})`);
  if (v.length === 0) throw new PolicyError(field, `must list at least one day (${WEEKDAYS.join(', ')})`);
  const seen = new Set<Weekday>();
  v.forEach((d: unknown, i) => {
    if (!isWeekday(d)) throw new PolicyError(`${field}[${i}]`, `must be one of ${WEEKDAYS.join(', ')}, got ${JSON.stringify(d)}`);
    if (seen.has(d)) throw new PolicyError(`${field}[${i}]`, `"${d}" is listed twice`);
    seen.add(d);
  });
  return [...seen];
}

function timeZone(v: unknown, field: string): string {
  if (typeof v === 'string' && IANAZone.isValidZone(v)) return v;
  throw new PolicyError(field, `must be an IANA time zone such as "Europe/Berlin" or "UTC", got ${JSON.stringify(v)}`);
}

function window(v: unknown, field: string): Window {
  if (!isObj(v)) throw new PolicyError(field, 'must be an object with days, start, end and timeZone');
  return {
    days: days(v.days, `${field}.days`),
    start: localTime(v.start, `${field}.start`),
    end: localTime(v.end, `${field}.end`),
    timeZone: timeZone(v.timeZone, `${field}.timeZone`),
  };
}

/** Parses a list of windows (absent: none); throws `PolicyError` naming the bad field. */
export function parseWindows(v: unknown, field: string): Window[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new PolicyError(field, 'must be a list of windows');
  if (v.length > MAX_WINDOWS) throw new PolicyError(field, `at most ${MAX_WINDOWS} windows, got ${v.length}`);
  return v.map((w, i) => window(w, `${field}[${i}]`));
}
