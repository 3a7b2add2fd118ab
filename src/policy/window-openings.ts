// When a window is open in real time: each listed day's opening and closing, read off the wall clock of its zone.
//
// The rules, across daylight-saving changes (the README says the same):
// - A window opens on each listed day at `start`, local time, and closes at `end`, local time: the same day when
//   `end` is after `start`, otherwise the next day. `start` equal to `end` is 24 hours of wall clock from `start`
//   ("00:00" to "00:00" is the whole day).
// - Opening and closing are instants, and the window lasts the real time between them: 01:00–03:00 in Europe/Berlin
//   is 1 real hour on the night clocks go forward and 3 real hours on the night they go back.
// - A local time the clock skips (02:30 in Europe/Berlin on the last Sunday of March) means the first instant after
//   the skip (03:00 local). A window whose start and end both fall in the skip does not open that night.
// - A local time the clock shows twice (02:30 on the last Sunday of October) means its first occurrence, for the
//   start and the end alike.
import { IANAZone } from 'luxon';
import { WEEKDAYS } from './weekdays.js';
import type { Window } from './windows.js';

const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
/** Farther than any UTC offset (-12 h to +14 h): an instant surely before, and one surely after, any reading of a local time. */
const BEYOND_ANY_OFFSET_MS = 18 * 3_600_000;

/** A window ready for arithmetic. */
export interface CompiledWindow {
  readonly timeZone: string;
  readonly zone: IANAZone;
  /** Indexed by days since the epoch modulo 7 (the epoch was a Thursday): whether the window opens that day. */
  readonly opensOn: readonly boolean[];
  /** Minutes after local midnight of the opening day. */
  readonly startMinute: number;
  /** Minutes after local midnight of the opening day: past 1440 when it closes the next day. */
  readonly endMinute: number;
}

/** One opening of one window, in real time: [opens, closes). */
export interface Opening {
  readonly opens: number;
  readonly closes: number;
  readonly timeZone: string;
}

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function compileWindow(w: Window): CompiledWindow {
  // Day 0 of the epoch was a Thursday: WEEKDAYS index 3.
  const opensOn = Array.from({ length: 7 }, (_, day) => w.days.includes(WEEKDAYS[(day + 3) % 7] ?? 'Mon'));
  const startMinute = minutes(w.start);
  const end = minutes(w.end);
  return { timeZone: w.timeZone, zone: IANAZone.create(w.timeZone), opensOn, startMinute, endMinute: end > startMinute ? end : end + 1440 };
}

/** Whether `t` reads `local` on the clock of `zone`. */
const reads = (zone: IANAZone, t: number, local: number): boolean => t + zone.offset(t) * MINUTE_MS === local;

/**
 * The instant the clock of `zone` shows `local` (a wall-clock time written as if it were UTC, in ms), by the rules
 * above: the first of two readings, or the end of a skip.
 */
export function instantOf(zone: IANAZone, local: number): number {
  const before = zone.offset(local - BEYOND_ANY_OFFSET_MS);
  const after = zone.offset(local + BEYOND_ANY_OFFSET_MS);
  const early = local - before * MINUTE_MS;
  if (before === after) return early;
  const late = local - after * MINUTE_MS;
  const earlyReads = reads(zone, early, local);
  const lateReads = reads(zone, late, local);
  if (earlyReads && lateReads) return Math.min(early, late);
  if (earlyReads) return early;
  if (lateReads) return late;
  // Skipped: the change happens in (late, early]; find the first instant already on the new offset.
  let lo = late;
  let hi = early;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zone.offset(mid) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Days since the epoch of the local date at instant `t` in `zone`. */
const localDay = (zone: IANAZone, t: number): number => Math.floor((t + zone.offset(t) * MINUTE_MS) / DAY_MS);

/** Every opening of `w` that is still open after `from` and opens at or before `until`, in order. */
export function openingsOf(w: CompiledWindow, from: number, until: number): Opening[] {
  const out: Opening[] = [];
  // An opening lasts at most 25 real hours: one from two local days back may still be open at `from`.
  const last = localDay(w.zone, until) + 1;
  for (let day = localDay(w.zone, from) - 2; day <= last; day++) {
    if (!w.opensOn[((day % 7) + 7) % 7]) continue;
    const midnight = day * DAY_MS;
    const opens = instantOf(w.zone, midnight + w.startMinute * MINUTE_MS);
    const closes = instantOf(w.zone, midnight + w.endMinute * MINUTE_MS);
    if (closes > opens && closes > from && opens <= until) out.push({ opens, closes, timeZone: w.timeZone });
  }
  return out;
}
