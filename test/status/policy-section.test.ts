// The policy section of the status snapshot, from the rules' views: what an operator reads of budgets, windows,
// blockers and the health gate, and the short list of what holds claims back.
import t from 'tap';
import { policySection } from '../../src/status/policy-section.js';
import { json, startAlertServer } from '../support/alert-server.js';
import { blockerRig } from '../support/blocker-rig.js';
import { facts, policyViews } from '../support/policy-views.js';

const NOW = Date.parse('2026-06-03T12:00:00Z'); // a Wednesday
const ZONE = 'topology.kubernetes.io/zone';

void t.test('with no RebootPolicy the flags are the policy: one cluster budget, always open, nothing held back', async (t) => {
  const section = policySection(policyViews({ nodes: [facts('a', {}), facts('b', {}, { holding: true })] }), NOW);
  t.same(section, {
    source: 'flags',
    generation: null,
    crdMissing: false,
    rejection: null,
    countUnavailable: true,
    drainOutsideWindow: 'stop',
    pause: null,
    holding: [],
    cluster: { maxUnavailable: 1, members: 2, allowed: 1, used: 1, holders: ['b'], holderCount: 1, unavailable: [], unavailableCount: 0, topology: null },
    pools: [],
    windows: [{ scope: 'cluster', pool: null, open: true, closesAt: null, opensAt: null, next: '', windows: [] }],
    blockers: [],
    healthGate: { enabled: true, timeoutSeconds: 600, nodeReadySeconds: 60, onTimeout: 'proceed', watching: true, releases: [] },
  });
});

void t.test('5,000 nodes in three zones: each scope counts them all and names the first 20', async (t) => {
  const nodes = [];
  for (let i = 0; i < 5000; i++) {
    const zone = ['a', 'b', 'c'][i % 3] ?? 'a';
    const name = `node-${String(i).padStart(4, '0')}`;
    // Zone a lost 60 nodes (NotReady); two nodes of zone b reboot.
    nodes.push(facts(name, { [ZONE]: zone, ...(i % 2 === 0 ? { role: 'worker' } : {}) }, { unavailable: zone === 'a' && i < 180, holding: i === 1 || i === 4 }));
  }
  const spec = { maxUnavailable: '10%', topology: { key: ZONE, maxUnavailable: 2 }, pools: [{ name: 'workers', nodeSelector: { matchLabels: { role: 'worker' } }, maxUnavailable: '5%', topology: { key: ZONE, maxUnavailable: 1 } }, { name: 'empty', nodeSelector: { matchLabels: { role: 'none' } }, maxUnavailable: 3 }] };
  const section = policySection(policyViews({ spec, nodes }), NOW);
  t.match(section.cluster, { maxUnavailable: '10%', members: 5000, allowed: 500, used: 62, holderCount: 2, unavailableCount: 60 });
  t.equal(section.cluster.unavailable.length, 20, 'a long list is cut at 20 names');
  t.same(section.cluster.holders, ['node-0001', 'node-0004']);
  t.same(
    section.cluster.topology?.values.map((v) => [v.value, v.members, v.allowed, v.used]),
    [
      ['a', 1667, 2, 60],
      ['b', 1667, 2, 2],
      ['c', 1666, 2, 0],
    ],
  );
  const [workers, empty] = section.pools;
  t.match(workers, { name: 'workers', nodeSelector: 'role=worker', paused: false, maxUnavailable: '5%', members: 2500, allowed: 125, used: 31, holders: ['node-0004'], unavailableCount: 30 });
  t.same(workers?.topology?.values.map((v) => [v.value, v.members, v.used]), [['a', 834, 30], ['b', 833, 1], ['c', 833, 0]], 'the pool has zones of its own');
  t.match(empty, { name: 'empty', members: 0, allowed: 3, used: 0, holders: [], topology: null }, 'a pool that matches no node is still listed');
});

void t.test('pause, a paused pool, a closed window and the health gate are what holds claims back', async (t) => {
  const spec = {
    pause: { reason: 'kernel <regression>', by: 'alice', since: '2026-06-03T10:00:00Z' },
    windows: [{ days: ['Sat', 'Sun'], start: '02:00', end: '05:00', timeZone: 'Europe/Berlin' }],
    pools: [{ name: 'db', nodeSelector: { matchLabels: { role: 'db' } }, maxUnavailable: 1, paused: true, windows: [{ days: ['Wed'], start: '00:00', end: '00:00', timeZone: 'UTC' }] }],
    healthGate: { onTimeout: 'Block' },
  };
  const releases = [
    { node: 'n-1', releasedAt: '2026-06-03T11:58:00.000Z', missing: ['Deployment shop/web (2/3 ready)', 'PodDisruptionBudget shop/web (2/3 healthy)'], timedOut: false, timesOutAt: '2026-06-03T12:08:00.000Z', notRecorded: 0 },
    { node: 'n-2', releasedAt: '2026-06-03T11:00:00.000Z', missing: ['Deployment x/y (0/1 ready)'], timedOut: true, timesOutAt: '2026-06-03T11:10:00.000Z', notRecorded: 0 },
    { node: 'n-3', releasedAt: '2026-06-03T11:59:00.000Z', missing: [], timedOut: false, timesOutAt: '2026-06-03T12:09:00.000Z', notRecorded: 0 },
  ];
  const section = policySection(policyViews({ spec, nodes: [facts('db-1', { role: 'db' })], healthGate: { releases } }), NOW);
  t.same(section.pause, { reason: 'kernel <regression>', by: 'alice', since: '2026-06-03T10:00:00Z' });
  t.same(section.windows, [
    { scope: 'cluster', pool: null, open: false, closesAt: null, opensAt: '2026-06-06T00:00:00.000Z', next: 'Sat 02:00 CEST (2026-06-06T00:00:00Z)', windows: ['Sat–Sun 02:00–05:00 Europe/Berlin'] },
    { scope: 'pool db', pool: 'db', open: true, closesAt: '2026-06-04T00:00:00.000Z', opensAt: null, next: 'Thu 00:00 UTC (2026-06-04T00:00:00Z)', windows: ['Wed all day UTC'] },
  ]);
  t.same(section.holding, [
    { rule: 'pause', message: 'new reboots are paused by alice since 2026-06-03T10:00:00Z: kernel <regression>', until: null },
    { rule: 'pause', message: 'pool db is paused', until: null },
    { rule: 'window', message: 'cluster outside its windows (Sat–Sun 02:00–05:00 Europe/Berlin), next opening Sat 02:00 CEST (2026-06-06T00:00:00Z)', until: '2026-06-06T00:00:00.000Z' },
    { rule: 'health', message: 'n-1 released at 2026-06-03T11:58:00.000Z: waiting for Deployment shop/web (2/3 ready), PodDisruptionBudget shop/web (2/3 healthy); times out at 2026-06-03T12:08:00.000Z', until: '2026-06-03T12:08:00.000Z' },
    { rule: 'health', message: 'n-2 released at 2026-06-03T11:00:00.000Z: waiting for Deployment x/y (0/1 ready); timed out at 2026-06-03T11:10:00.000Z, still blocking (onTimeout Block)', until: null },
  ], 'a whole release holds nothing back');
  t.equal(section.healthGate.releases.length, 3, 'the gate shows every release it tracks');
});

void t.test('an alert query that fails: onError Block holds claims back and says so, Proceed lets them go and shows the failure', async (t) => {
  const s = blockerRig(t);
  const prom = await startAlertServer(t);
  prom.answer = json({ status: 'error', errorType: 'unavailable', error: 'TSDB not ready' }, 503);
  s.apply({ alerts: [{ name: 'strict', url: prom.url }, { name: 'lenient', url: prom.url, onError: 'Proceed' }] });
  await Promise.all([s.next('strict'), s.next('lenient')]);
  const section = policySection({ ...policyViews(), blockers: s.rule }, s.clock.now());
  const checkedAt = new Date(s.clock.now()).toISOString();
  const error = `Prometheus at ${prom.url} answered 503: TSDB not ready`;
  t.same(section.blockers, [
    { kind: 'alerts', name: 'strict', api: 'prometheus', url: prom.url, onError: 'block', status: 'error', blocking: true, alerts: [], alertCount: 0, message: `alerts "strict": ${error} (onError Block)`, error, checkedAt },
    { kind: 'alerts', name: 'lenient', api: 'prometheus', url: prom.url, onError: 'proceed', status: 'error', blocking: false, alerts: [], alertCount: 0, message: '', error, checkedAt },
  ]);
  t.same(section.holding, [{ rule: 'blocker', message: `alerts "strict": ${error} (onError Block)`, until: null }]);
});

void t.test('a rejected edit is shown with its field and time; the generation before it stays in force', async (t) => {
  const status = { source: 'object' as const, generation: 3, crdMissing: false, rejection: { generation: 4, field: 'spec.pools[0].maxUnavailable', reason: 'must be a whole number of nodes', at: NOW - 60_000, pauseApplies: true } };
  const section = policySection(policyViews({ spec: { maxUnavailable: 2 }, status }), NOW);
  t.match(section, { source: 'object', generation: 3, rejection: { generation: 4, field: 'spec.pools[0].maxUnavailable', reason: 'must be a whole number of nodes', at: '2026-06-03T11:59:00.000Z', pauseApplies: true } });
  t.same(section.holding, [], 'a rejection holds nothing back: the last good policy decides');
});
