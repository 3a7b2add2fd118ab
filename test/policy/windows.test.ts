// Maintenance windows: parsing with errors naming the field, and open or closed at an instant, across daylight-saving changes.
import t from 'tap';
import { PolicyError } from '../../src/policy/parse-error.js';
import type { Weekday } from '../../src/policy/weekdays.js';
import { describeInstant, describeWindow } from '../../src/policy/window-describe.js';
import { windowState } from '../../src/policy/window-state.js';
import { parseWindows, type Window } from '../../src/policy/windows.js';

const at = (iso: string): number => Date.parse(iso);
const HOUR = 3_600_000;
const win = (days: Weekday[], start: string, end: string, timeZone = 'Europe/Berlin'): Window => ({ days, start, end, timeZone });
const WEEKNIGHTS = win(['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], '22:00', '04:00');

/** The opening in progress at `inside`: when it opened (the state one ms before says so) and when it closes. */
function openingAround(windows: Window[], before: string, inside: string): { opens: number; closes: number } {
  const closed = windowState(windows, at(before));
  const open = windowState(windows, at(inside));
  if (closed.open || closed.opensAt === undefined || !open.open || open.closesAt === undefined) throw new Error(`no opening between ${before} and ${inside}`);
  return { opens: closed.opensAt, closes: open.closesAt };
}

void t.test('a list of windows parses; absent means none', async (t) => {
  t.same(parseWindows(undefined, 'spec.windows'), []);
  t.same(parseWindows([{ days: ['Mon', 'Fri'], start: '22:00', end: '04:00', timeZone: 'Europe/Berlin' }], 'spec.windows'), [win(['Mon', 'Fri'], '22:00', '04:00')]);
});

void t.test('a window the server cannot use is refused with the exact field', async (t) => {
  const ok = { days: ['Mon'], start: '22:00', end: '04:00', timeZone: 'UTC' };
  const bad: [unknown, string, RegExp][] = [
    [{ days: ['Mon'] }, 'spec.windows', /must be a list/],
    [Array.from({ length: 17 }, () => ok), 'spec.windows', /at most 16 windows, got 17/],
    [[ok, 'Mon 22:00'], 'spec.windows[1]', /must be an object/],
    [[ok, { ...ok, timeZone: 'Europe/Berln' }], 'spec.windows[1].timeZone', /IANA time zone.*"Europe\/Berln"/],
    [[{ ...ok, timeZone: undefined }], 'spec.windows[0].timeZone', /IANA time zone/],
    [[{ ...ok, timeZone: '+01:00' }], 'spec.windows[0].timeZone', /IANA time zone/],
    [[{ ...ok, start: '24:00' }], 'spec.windows[0].start', /write "00:00" for midnight/],
    [[{ ...ok, start: '7:00' }], 'spec.windows[0].start', /"HH:MM"/],
    [[{ ...ok, end: '12:60' }], 'spec.windows[0].end', /"HH:MM"/],
    [[{ ...ok, end: 1200 }], 'spec.windows[0].end', /"HH:MM"/],
    [[{ ...ok, days: [] }], 'spec.windows[0].days', /at least one day/],
    [[{ ...ok, days: 'Mon' }], 'spec.windows[0].days', /list of days/],
    [[{ ...ok, days: ['Mon', 'Monday'] }], 'spec.windows[0].days[1]', /one of Mon, Tue, Wed, Thu, Fri, Sat, Sun, got "Monday"/],
    [[{ ...ok, days: ['Mon', 'Tue', 'Mon'] }], 'spec.windows[0].days[2]', /"Mon" is listed twice/],
  ];
  for (const [v, field, message] of bad) {
    let caught: unknown;
    try {
      parseWindows(v, 'spec.windows');
    } catch (err) {
      caught = err;
    }
    t.ok(caught instanceof PolicyError && caught.field === field && caught.code === 'ERR_POLICY', `${field} (${String(caught)})`);
    t.match((caught as Error).message, message);
  }
});

void t.test('no windows: always open, never closing', async (t) => {
  t.same(windowState([], at('2026-06-01T12:00:00Z')), { open: true });
});

void t.test('inside and outside a window; it opens at its start and is closed at its end', async (t) => {
  const lunch = [win(['Wed'], '12:00', '13:00', 'UTC')];
  t.same(windowState(lunch, at('2026-06-03T11:59:59Z')), { open: false, opensAt: at('2026-06-03T12:00:00Z') });
  t.same(windowState(lunch, at('2026-06-03T12:00:00Z')), { open: true, closesAt: at('2026-06-03T13:00:00Z') });
  t.same(windowState(lunch, at('2026-06-03T13:00:00Z')), { open: false, opensAt: at('2026-06-10T12:00:00Z') }, 'the next one is a week later');
  t.same(windowState(lunch, at('2026-06-04T12:30:00Z')), { open: false, opensAt: at('2026-06-10T12:00:00Z') }, 'closed on a day not listed');
});

void t.test('a window crossing midnight belongs to the day it opens on', async (t) => {
  // Friday 2026-06-05 22:00 CEST opens until Saturday 04:00; Saturday night is not listed.
  t.same(windowState([WEEKNIGHTS], at('2026-06-06T01:59:00Z')), { open: true, closesAt: at('2026-06-06T02:00:00Z') }, 'Sat 03:59: still Friday night');
  t.same(windowState([WEEKNIGHTS], at('2026-06-06T20:30:00Z')), { open: false, opensAt: at('2026-06-08T20:00:00Z') }, 'Sat 22:30: next is Mon 22:00');
  t.same(windowState([WEEKNIGHTS], at('2026-06-01T01:00:00Z')), { open: false, opensAt: at('2026-06-01T20:00:00Z') }, 'Mon 03:00: Sunday night is not listed');
});

void t.test('overlapping and abutting windows count as one opening', async (t) => {
  const windows = [win(['Mon'], '20:00', '23:00', 'UTC'), win(['Mon'], '22:00', '02:00', 'UTC'), win(['Tue'], '02:00', '03:00', 'UTC')];
  t.same(windowState(windows, at('2026-06-01T20:30:00Z')), { open: true, closesAt: at('2026-06-02T03:00:00Z') });
  t.same(windowState(windows, at('2026-06-02T02:30:00Z')), { open: true, closesAt: at('2026-06-02T03:00:00Z') });
  t.same(windowState(windows, at('2026-06-01T12:00:00Z')), { open: false, opensAt: at('2026-06-01T20:00:00Z') });
  const weekend = [WEEKNIGHTS, win(['Sat', 'Sun'], '00:00', '00:00')];
  t.same(windowState(weekend, at('2026-06-05T21:00:00Z')), { open: true, closesAt: at('2026-06-07T22:00:00Z') }, 'Fri 22:00 to Mon 00:00 is one opening');
  const always = [win(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], '00:00', '00:00')];
  t.same(windowState(always, at('2026-06-03T10:00:00Z')), { open: true }, 'open every day all day: no closing in sight');
});

void t.test('start equal to end is 24 hours of wall clock from the start', async (t) => {
  t.same(windowState([win(['Sat'], '06:00', '06:00', 'UTC')], at('2026-06-07T05:00:00Z')), { open: true, closesAt: at('2026-06-07T06:00:00Z') });
});

void t.test('Europe/Berlin springs forward on 2026-03-29 (02:00 CET becomes 03:00 CEST)', async (t) => {
  const small = openingAround([win(['Sun'], '01:00', '03:00')], '2026-03-28T23:59:59Z', '2026-03-29T00:30:00Z');
  t.same(small, { opens: at('2026-03-29T00:00:00Z'), closes: at('2026-03-29T01:00:00Z') });
  t.equal(small.closes - small.opens, 1 * HOUR, '01:00–03:00 is one real hour that night');

  const night = openingAround([win(['Sat'], '22:00', '06:00')], '2026-03-28T20:59:59Z', '2026-03-28T21:00:00Z');
  t.same(night, { opens: at('2026-03-28T21:00:00Z'), closes: at('2026-03-29T04:00:00Z') }, 'Sat 22:00 CET to Sun 06:00 CEST');
  t.equal(night.closes - night.opens, 7 * HOUR, '8 hours of wall clock, 7 real ones');

  const day = openingAround([win(['Sun'], '00:00', '00:00')], '2026-03-28T22:59:59Z', '2026-03-28T23:00:00Z');
  t.equal(day.closes - day.opens, 23 * HOUR, 'all day Sunday is 23 hours long');
});

void t.test('a start time the clock skips opens at the first instant after the skip', async (t) => {
  const skipped = [win(['Sun'], '02:30', '04:00')];
  t.same(windowState(skipped, at('2026-03-28T12:00:00Z')), { open: false, opensAt: at('2026-03-29T01:00:00Z') }, '03:00 CEST, not 03:30');
  t.same(windowState(skipped, at('2026-03-29T01:00:00Z')), { open: true, closesAt: at('2026-03-29T02:00:00Z') });
  t.same(windowState(skipped, at('2026-03-21T12:00:00Z')), { open: false, opensAt: at('2026-03-22T01:30:00Z') }, 'the Sunday before: 02:30 CET as usual');
  const inside = [win(['Sun'], '02:15', '02:45')];
  t.same(windowState(inside, at('2026-03-28T12:00:00Z')), { open: false, opensAt: at('2026-04-05T00:15:00Z') }, 'a window wholly in the skip does not open that night');
});

void t.test('Europe/Berlin falls back on 2026-10-25 (03:00 CEST becomes 02:00 CET)', async (t) => {
  const small = openingAround([win(['Sun'], '01:00', '03:00')], '2026-10-24T22:59:59Z', '2026-10-24T23:00:00Z');
  t.same(small, { opens: at('2026-10-24T23:00:00Z'), closes: at('2026-10-25T02:00:00Z') });
  t.equal(small.closes - small.opens, 3 * HOUR, '2 hours of wall clock are 3 real hours');
  t.ok(windowState([win(['Sun'], '01:00', '03:00')], at('2026-10-25T01:30:00Z')).open, 'open through the repeated hour (02:30 CET)');

  const twice = openingAround([win(['Sun'], '02:30', '04:00')], '2026-10-25T00:29:59Z', '2026-10-25T00:30:00Z');
  t.same(twice, { opens: at('2026-10-25T00:30:00Z'), closes: at('2026-10-25T03:00:00Z') }, 'opens at the first 02:30 (CEST)');

  const night = openingAround([win(['Sat'], '22:00', '06:00')], '2026-10-24T19:59:59Z', '2026-10-24T20:00:00Z');
  t.equal(night.closes - night.opens, 9 * HOUR, 'Sat 22:00 CEST to Sun 06:00 CET: 9 real hours');
});

void t.test('America/New_York: forward on 2026-03-08, back on 2026-11-01, both at 02:00', async (t) => {
  const ny = (days: Weekday[], start: string, end: string): Window[] => [win(days, start, end, 'America/New_York')];
  const spring = openingAround(ny(['Sun'], '01:00', '04:00'), '2026-03-08T05:59:59Z', '2026-03-08T06:00:00Z');
  t.same(spring, { opens: at('2026-03-08T06:00:00Z'), closes: at('2026-03-08T08:00:00Z') }, '01:00 EST to 04:00 EDT');
  t.equal(spring.closes - spring.opens, 2 * HOUR);
  t.same(windowState(ny(['Sun'], '02:00', '05:00'), at('2026-03-07T12:00:00Z')), { open: false, opensAt: at('2026-03-08T07:00:00Z') }, '02:00 does not exist: 03:00 EDT');

  const fall = openingAround(ny(['Sat'], '23:00', '02:00'), '2026-11-01T02:59:59Z', '2026-11-01T03:00:00Z');
  t.same(fall, { opens: at('2026-11-01T03:00:00Z'), closes: at('2026-11-01T07:00:00Z') }, '23:00 EDT to 02:00 EST');
  t.equal(fall.closes - fall.opens, 4 * HOUR, '3 hours of wall clock, 4 real ones');
  const twice = openingAround(ny(['Sun'], '01:30', '03:00'), '2026-11-01T05:29:59Z', '2026-11-01T05:30:00Z');
  t.same(twice, { opens: at('2026-11-01T05:30:00Z'), closes: at('2026-11-01T08:00:00Z') }, 'the first 01:30 (EDT) to 03:00 EST');
});

void t.test('a zone with a 45-minute offset (Asia/Kathmandu, UTC+05:45)', async (t) => {
  const office = [win(['Mon'], '09:00', '17:00', 'Asia/Kathmandu')];
  t.same(windowState(office, at('2026-06-01T03:14:00Z')), { open: false, opensAt: at('2026-06-01T03:15:00Z') });
  t.same(windowState(office, at('2026-06-01T03:15:00Z')), { open: true, closesAt: at('2026-06-01T11:15:00Z') });
});

void t.test('whatever the windows, the state holds until the boundary it reports', async (t) => {
  // Weekly windows in three zones, two of which change offset in March: walk the month in steps of about 5 hours.
  const windows = [win(['Mon', 'Wed'], '23:30', '01:00'), win(['Sun'], '02:30', '02:00', 'America/New_York'), win(['Tue', 'Sat'], '05:00', '05:45', 'Asia/Kathmandu')];
  for (let now = at('2026-03-01T00:00:00Z'); now < at('2026-04-01T00:00:00Z'); now += 5 * HOUR - 7_777) {
    const s = windowState(windows, now);
    const boundary = s.open ? s.closesAt : s.opensAt;
    if (boundary === undefined) throw new Error(`no boundary at ${new Date(now).toISOString()}`);
    const justBefore = windowState(windows, boundary - 1);
    const after = windowState(windows, boundary);
    if (justBefore.open !== s.open || (s.open ? justBefore.closesAt : justBefore.opensAt) !== boundary || after.open === s.open) {
      t.fail(`at ${new Date(now).toISOString()}: ${JSON.stringify(s)}, just before the boundary ${JSON.stringify(justBefore)}, at it ${JSON.stringify(after)}`);
      return;
    }
  }
  t.pass('every boundary is where the state changes');
});

void t.test('windows and instants as operators read them', async (t) => {
  t.equal(describeWindow(WEEKNIGHTS), 'Mon–Fri 22:00–04:00 Europe/Berlin');
  t.equal(describeWindow(win(['Sun', 'Sat'], '00:00', '00:00', 'UTC')), 'Sat–Sun all day UTC');
  t.equal(describeWindow(win(['Fri', 'Mon', 'Sat', 'Wed', 'Sun'], '06:00', '06:00', 'UTC')), 'Wed, Fri–Mon 06:00 for 24 h UTC');
  t.equal(describeWindow(win(['Mon', 'Wed', 'Sat'], '06:00', '07:00', 'UTC')), 'Mon, Wed, Sat 06:00–07:00 UTC');
  t.equal(describeWindow(win(['Sun', 'Sat', 'Fri', 'Thu', 'Wed', 'Tue', 'Mon'], '01:00', '02:00', 'UTC')), 'every day 01:00–02:00 UTC');
  t.equal(describeInstant(at('2026-12-05T21:00:00Z'), 'Europe/Berlin'), 'Sat 22:00 CET (2026-12-05T21:00:00Z)');
  t.equal(describeInstant(at('2026-07-04T20:00:00Z'), 'Europe/Berlin'), 'Sat 22:00 CEST (2026-07-04T20:00:00Z)');
  t.equal(describeInstant(at('2026-11-01T05:30:00Z'), 'America/New_York'), 'Sun 01:30 EDT (2026-11-01T05:30:00Z)');
  t.equal(describeInstant(at('2026-06-01T03:15:00Z'), 'Asia/Kathmandu'), 'Mon 09:00 GMT+5:45 (2026-06-01T03:15:00Z)');
});
