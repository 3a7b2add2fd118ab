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

/** The clock of a zone around one local day and the next: its offsets (minutes) and the instant it changes, if it does. */
interface DayClock {
  readonly before: number;
  readonly after: number;
  /** The first instant on `after`; unset: no change. */
  readonly change?: number;
}

/** By zone and local day; past the limit the cache starts over rather than grow. */
const dayClocks = new Map<string, DayClock>();
const DAY_CLOCKS_KEPT = 4096;

/**
 * The clock of `zone` for every reading of local days `day` and `day + 1` (all an opening on `day` touches).
 * Memoized: a scan reads the same few days for every window, and each offset lookup in luxon costs tens of µs.
 */
function dayClock(zone: IANAZone, day: number): DayClock {
  const key = `${zone.name}|${day}`;
  const known = dayClocks.get(key);
  if (known) return known;
  let lo = day * DAY_MS - BEYOND_ANY_OFFSET_MS;
  let hi = (day + 2) * DAY_MS + BEYOND_ANY_OFFSET_MS;
  const before = zone.offset(lo);
  const after = zone.offset(hi);
  if (before !== after) {
    // Zones change offset months apart: one change at most in these few days. Find its first instant.
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (zone.offset(mid) === after) hi = mid;
      else lo = mid;
    }
  }
  const clock = before === after ? { before, after } : { before, after, change: hi };
  if (dayClocks.size >= DAY_CLOCKS_KEPT) dayClocks.clear();
  dayClocks.set(key, clock);
  return clock;
}

/**
 * The instant the clock shows `local` (a wall-clock time written as if it were UTC, in ms), by the rules above:
 * the first of two readings, or the end of a skip.
 */
function instantOf(clock: DayClock, local: number): number {
  const early = local - clock.before * MINUTE_MS;
  if (clock.change === undefined) return early;
  const late = local - clock.after * MINUTE_MS;
  const earlyReads = early < clock.change;
  const lateReads = late >= clock.change;
  if (earlyReads && lateReads) return Math.min(early, late);
  if (earlyReads) return early;
  if (lateReads) return late;
  return clock.change;
}

/** Every opening of `w` that is still open after `from` and opens at or before `until`, in order. */
export function openingsOf(w: CompiledWindow, from: number, until: number): Opening[] {
  const out: Opening[] = [];
  // Local days from a little before `from` (an opening lasts at most 25 real hours) to a little after `until`:
  // UTC days give the range without a lookup, a local day is never more than one away.
  const last = Math.floor(until / DAY_MS) + 2;
  for (let day = Math.floor(from / DAY_MS) - 3; day <= last; day++) {
    if (!w.opensOn[((day % 7) + 7) % 7]) continue;
    const clock = dayClock(w.zone, day);
    const opens = instantOf(clock, day * DAY_MS + w.startMinute * MINUTE_MS);
    const closes = instantOf(clock, day * DAY_MS + w.endMinute * MINUTE_MS);
    if (closes > opens && closes > from && opens <= until) out.push({ opens, closes, timeZone: w.timeZone });
  }
  return out;
}
