// Reboots blocked too long: told once per wait, from the wait kept on the Node; a new wait is news again.
import t from 'tap';
import { BlockedReboots } from '../../src/notify/reboots-watch.js';
import type { Waiting } from '../../src/slot/waiting.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);
const iso = (ms: number): string => new Date(ms).toISOString();

function waiting(name: string, since: number, asks: number): { node: { name: string }; wait: Waiting } {
  return { node: { name }, wait: { since: iso(since), last: iso(since + asks * 5 * MIN), asks, group: 'default', kind: 'slots_full', reason: 'no reboot slot free: node-1 holds it' } };
}

void t.test('a node refused for longer than rebootsBlockedAfter is told once, with its count and last reason', async (t) => {
  const reboots = new BlockedReboots(60 * MIN);
  t.same(reboots.check([waiting('node-2', T0, 1)], T0 + 59 * MIN), [], 'not yet');
  t.same(reboots.check([waiting('node-2', T0, 12)], T0 + 60 * MIN), [
    { kind: 'reboots-blocked', node: 'node-2', group: 'default', at: T0 + 60 * MIN, code: 'slots_full', reason: 'no reboot slot free: node-1 holds it', since: T0, refusals: 12 },
  ]);
  t.same(reboots.check([waiting('node-2', T0, 30)], T0 + 3 * 60 * MIN), [], 'once per wait');
});

void t.test('a wait that ended and a new one that began is news again; a new leader tells again', async (t) => {
  const reboots = new BlockedReboots(10 * MIN);
  t.equal(reboots.check([waiting('node-2', T0, 3)], T0 + 10 * MIN).length, 1);
  t.same(reboots.check([], T0 + 11 * MIN), [], 'node-2 claimed: its wait is over');
  t.same(reboots.check([waiting('node-2', T0 + 20 * MIN, 1)], T0 + 25 * MIN), []);
  t.match(reboots.check([waiting('node-2', T0 + 20 * MIN, 2)], T0 + 30 * MIN), [{ since: T0 + 20 * MIN }], 'its next wait, counted from its own first refusal');
  reboots.forgetAll();
  t.equal(reboots.check([waiting('node-2', T0 + 20 * MIN, 3)], T0 + 31 * MIN).length, 1, 'after a failover the wait is told again rather than lost');
});
