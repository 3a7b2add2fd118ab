// The window rule: a node waits while the cluster's windows or those of a pool it is in are closed, with the next opening.
import t from 'tap';
import type { NodeView } from '../../src/kube/node-view.js';
import type { Asking } from '../../src/policy/reasons.js';
import { WindowRule } from '../../src/policy/window-rule.js';
import type { Window } from '../../src/policy/windows.js';

const at = (iso: string): number => Date.parse(iso);
const NODE: NodeView = { name: 'db-1', uid: 'u', resourceVersion: '1', machineId: '', bootId: 'b', ready: true, heartbeat: '', unschedulable: false, addresses: [], annotations: {}, labels: {}, readySince: 0, lifecycle: {} };
const asking = (iso: string, pools: string[], urgent = false): Asking => ({ node: NODE, group: 'default', now: at(iso), pools, urgent });

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
// Cluster: weeknights, and the whole weekend, in Berlin. Databases: Sunday mornings in Berlin. GPUs: nights in New York.
const CLUSTER: Window[] = [
  { days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], start: '22:00', end: '04:00', timeZone: BERLIN },
  { days: ['Sat', 'Sun'], start: '00:00', end: '00:00', timeZone: BERLIN },
];
const DATABASES: Window[] = [{ days: ['Sun'], start: '06:00', end: '10:00', timeZone: BERLIN }];
const GPU: Window[] = [{ days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], start: '01:00', end: '05:00', timeZone: NEW_YORK }];
const policy = { windows: CLUSTER, poolWindows: new Map([['databases', DATABASES], ['gpu', GPU]]) };

const CLUSTER_TEXT = 'Mon–Fri 22:00–04:00 Europe/Berlin or Sat–Sun all day Europe/Berlin';

void t.test('a node in two pools gets one reason per closed scope, each with its own next opening', async (t) => {
  const rule = new WindowRule(policy);
  // Wednesday 2026-06-03 14:00 CEST: every scope is closed.
  t.same(rule.reasons(asking('2026-06-03T12:00:00Z', ['databases', 'gpu'])), [
    { rule: 'window', message: `cluster outside its windows (${CLUSTER_TEXT}), next opening Wed 22:00 CEST (2026-06-03T20:00:00Z)`, until: at('2026-06-03T20:00:00Z') },
    { rule: 'window', message: 'pool databases outside its windows (Sun 06:00–10:00 Europe/Berlin), next opening Sun 06:00 CEST (2026-06-07T04:00:00Z)', until: at('2026-06-07T04:00:00Z') },
    { rule: 'window', message: 'pool gpu outside its windows (every day 01:00–05:00 America/New_York), next opening Thu 01:00 EDT (2026-06-04T05:00:00Z)', until: at('2026-06-04T05:00:00Z') },
  ]);
  // Saturday 14:00 CEST: the cluster's weekend is open, both pools are closed.
  t.same(
    rule.reasons(asking('2026-06-06T12:00:00Z', ['gpu', 'databases'])).map((r) => [r.message.split(' outside')[0], r.until]),
    [
      ['pool gpu', at('2026-06-07T05:00:00Z')],
      ['pool databases', at('2026-06-07T04:00:00Z')],
    ],
    'pools in the order the node is in them',
  );
  // Sunday 07:30 CEST (01:30 EDT): all three open.
  t.same(rule.reasons(asking('2026-06-07T05:30:00Z', ['databases', 'gpu'])), []);
});

void t.test('only the scopes a node is in hold it back; a pool without windows never does', async (t) => {
  const rule = new WindowRule(policy);
  t.same(rule.reasons(asking('2026-06-06T12:00:00Z', [])), [], 'Saturday: the cluster is open');
  t.same(rule.reasons(asking('2026-06-06T12:00:00Z', ['workers'])), [], 'workers has no windows');
  t.same(
    rule.reasons(asking('2026-06-03T12:00:00Z', ['workers'])).map((r) => r.until),
    [at('2026-06-03T20:00:00Z')],
    'Wednesday afternoon: only the cluster',
  );
  const poolsOnly = new WindowRule({ windows: [], poolWindows: policy.poolWindows });
  t.same(poolsOnly.reasons(asking('2026-06-03T12:00:00Z', ['workers'])), [], 'no cluster windows: always open');
});

void t.test('urgent nodes bypass every window', async (t) => {
  const rule = new WindowRule(policy);
  t.same(rule.reasons(asking('2026-06-03T12:00:00Z', ['databases', 'gpu'], true)), []);
  t.equal(rule.closingAt(asking('2026-06-07T05:30:00Z', ['databases', 'gpu'], true)), undefined, 'no window stops its drain');
});

void t.test('closingAt: the first of the node’s scopes to close', async (t) => {
  const rule = new WindowRule(policy);
  // Sunday 07:30 CEST: databases closes at 10:00 CEST, gpu at 05:00 EDT (11:00 CEST), the cluster at Monday 00:00.
  t.equal(rule.closingAt(asking('2026-06-07T05:30:00Z', ['databases', 'gpu'])), at('2026-06-07T08:00:00Z'));
  t.equal(rule.closingAt(asking('2026-06-07T05:30:00Z', ['gpu'])), at('2026-06-07T09:00:00Z'));
  t.equal(rule.closingAt(asking('2026-06-07T05:30:00Z', [])), at('2026-06-07T22:00:00Z'));
  t.equal(rule.closingAt(asking('2026-06-06T12:00:00Z', ['databases'])), at('2026-06-06T12:00:00Z'), 'a scope already closed: now');
  t.equal(new WindowRule({ windows: [], poolWindows: new Map() }).closingAt(asking('2026-06-06T12:00:00Z', ['databases'])), undefined, 'no windows: never');
});

void t.test('view: each scope open or not, until when, why a claim waits, and its windows as text', async (t) => {
  t.same(new WindowRule(policy).view(at('2026-06-06T12:00:00Z')), [
    { scope: 'cluster', open: true, closesAt: at('2026-06-07T22:00:00Z'), next: 'Mon 00:00 CEST (2026-06-07T22:00:00Z)', windows: CLUSTER_TEXT.split(' or ') },
    { scope: 'pool databases', pool: 'databases', open: false, opensAt: at('2026-06-07T04:00:00Z'), next: 'Sun 06:00 CEST (2026-06-07T04:00:00Z)', reason: { rule: 'window', message: 'pool databases outside its windows (Sun 06:00–10:00 Europe/Berlin), next opening Sun 06:00 CEST (2026-06-07T04:00:00Z)', until: at('2026-06-07T04:00:00Z') }, windows: ['Sun 06:00–10:00 Europe/Berlin'] },
    { scope: 'pool gpu', pool: 'gpu', open: false, opensAt: at('2026-06-07T05:00:00Z'), next: 'Sun 01:00 EDT (2026-06-07T05:00:00Z)', reason: { rule: 'window', message: 'pool gpu outside its windows (every day 01:00–05:00 America/New_York), next opening Sun 01:00 EDT (2026-06-07T05:00:00Z)', until: at('2026-06-07T05:00:00Z') }, windows: ['every day 01:00–05:00 America/New_York'] },
  ]);
  t.same(new WindowRule({ windows: [], poolWindows: new Map() }).view(at('2026-06-06T12:00:00Z')), [{ scope: 'cluster', open: true, next: '', windows: [] }]);
});

void t.test('the cached state answers correctly as time moves past each boundary, and back', async (t) => {
  const rule = new WindowRule(policy);
  const dbUntil = (iso: string): (number | undefined)[] => rule.reasons(asking(iso, ['databases'])).map((r) => r.until);
  const first = rule.reasons(asking('2026-06-06T12:00:00Z', ['databases']))[0];
  t.equal(rule.reasons(asking('2026-06-07T03:59:59Z', ['databases']))[0], first, 'until the opening, the same reason from the cache');
  t.same(dbUntil('2026-06-07T04:00:00Z'), [], 'Sunday 06:00 CEST: open');
  t.same(dbUntil('2026-06-07T07:59:59Z'), []);
  t.same(dbUntil('2026-06-07T08:00:00Z'), [at('2026-06-14T04:00:00Z')], 'Sunday 10:00 CEST: closed until next Sunday');
  t.same(dbUntil('2026-06-06T12:00:00Z'), [at('2026-06-07T04:00:00Z')], 'a clock set back is answered for its own time');
  t.same(rule.view(at('2026-06-07T04:00:00Z'))[1], { scope: 'pool databases', pool: 'databases', open: true, closesAt: at('2026-06-07T08:00:00Z'), next: 'Sun 10:00 CEST (2026-06-07T08:00:00Z)', windows: ['Sun 06:00–10:00 Europe/Berlin'] });
});

void t.test('no opening within 8 days: said so, and looked for again a day later', async (t) => {
  // Sundays 02:15–02:45 in Berlin: on 2026-03-29 the clock skips the whole window, so it next opens on 5 April.
  const rule = new WindowRule({ windows: [{ days: ['Sun'], start: '02:15', end: '02:45', timeZone: BERLIN }], poolWindows: new Map() });
  t.same(rule.reasons(asking('2026-03-22T02:00:00Z', [])), [{ rule: 'window', message: 'cluster outside its windows (Sun 02:15–02:45 Europe/Berlin), no opening within 8 days' }]);
  t.same(
    rule.reasons(asking('2026-03-28T12:00:00Z', [])).map((r) => r.until),
    [at('2026-04-05T00:15:00Z')],
    'six days later the opening has come into view',
  );
});
