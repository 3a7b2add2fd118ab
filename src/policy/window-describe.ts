// Windows and instants as operators read them: "Mon–Fri 22:00–04:00 Europe/Berlin", "Sat 22:00 CET (2026-12-05T21:00:00Z)".
import { DateTime } from 'luxon';
import { WEEKDAYS, type Weekday } from './weekdays.js';
import type { Window } from './windows.js';

/** "Mon–Fri", "Sat–Sun", "Mon, Wed, Fri", "Fri–Mon" (a run may wrap past Sunday), "every day". */
export function describeDays(days: readonly Weekday[]): string {
  const on = WEEKDAYS.map((d) => days.includes(d));
  if (on.every(Boolean)) return 'every day';
  // Walk the week from just after a day off, so a run across the weekend ("Fri–Mon") stays one run.
  const from = on.indexOf(false) + 1;
  const runs: number[][] = [];
  let run: number[] = [];
  for (let i = 0; i <= 7; i++) {
    const day = (from + i) % 7;
    if (i < 7 && on[day]) run.push(day);
    else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  const name = (day: number | undefined): string => WEEKDAYS[day ?? 0] ?? '';
  return runs
    .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0))
    .map((r) => (r.length === 1 ? name(r[0]) : `${name(r[0])}–${name(r[r.length - 1])}`))
    .join(', ');
}

function hours(w: Window): string {
  if (w.start !== w.end) return `${w.start}–${w.end}`;
  return w.start === '00:00' ? 'all day' : `${w.start} for 24 h`;
}

/** One window as a line of text: "Mon–Fri 22:00–04:00 Europe/Berlin". */
export function describeWindow(w: Window): string {
  return `${describeDays(w.days)} ${hours(w)} ${w.timeZone}`;
}

/** The usual abbreviation of the zone's offset at that instant ("CET", "EDT"), else "GMT+5:45". */
function zoneName(local: DateTime): string {
  const us = local.offsetNameShort ?? '';
  // en-US knows the American abbreviations, en-GB the European ones; neither has one for most other zones.
  return /^GMT[+-]/.test(us) ? (local.setLocale('en-GB').offsetNameShort ?? us) : us;
}

/** An instant on the local clock of `timeZone`, with the instant in UTC: "Sat 22:00 CET (2026-12-05T21:00:00Z)". */
export function describeInstant(ms: number, timeZone: string): string {
  const local = DateTime.fromMillis(ms, { zone: timeZone, locale: 'en-US' });
  const utc = DateTime.fromMillis(ms, { zone: 'utc' }).toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString();
  return `${local.toFormat('ccc HH:mm')} ${zoneName(local)} (${utc})`;
}
