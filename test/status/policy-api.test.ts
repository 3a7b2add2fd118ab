// GET /api/v1/status with a RebootPolicy in force, over real HTTP: pools and zones with their slots, windows,
// the pause, blockers (a pod, a failing alert query), the health gate's wait, and a rejected edit.
import t from 'tap';
import { pollUntil } from '../../kit/poll.js';
import { makePod } from '../../src/sim/kube/fixtures.js';
import type { StatusSnapshot } from '../../src/status/snapshot.js';
import { json, startAlertServer } from '../support/alert-server.js';
import { startCluster } from '../support/cluster.js';
import { applyPolicy, labelNode } from '../support/policy.js';
import { getStatus, startStatusCluster } from '../support/status-cluster.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const ZONE = 'topology.kubernetes.io/zone';

void t.test('the status API shows the policy in force: budgets by pool and zone, windows, pause, blockers, health gate', async (t) => {
  // node-01 holds a slot and drains (a PodDisruptionBudget blocks), an admin cordoned node-02, node-03 was released.
  const c = await startStatusCluster(t);
  const leader = await c.leader();
  labelNode(c.sim, 'node-01', { role: 'web', [ZONE]: 'a' });
  labelNode(c.sim, 'node-02', { role: 'web', [ZONE]: 'b' });
  labelNode(c.sim, 'node-03', { role: 'db', [ZONE]: 'a' });
  c.sim.store.createPod(makePod({ namespace: 'backup', name: 'nightly', nodeName: 'node-03', labels: { app: 'backup' } }));
  const prom = await startAlertServer(t);
  prom.answer = json({ status: 'error', errorType: 'unavailable', error: 'TSDB not ready' }, 503);
  // A window that opened an hour ago on a day other than today's (UTC) is closed now.
  const otherDay = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][(new Date().getUTCDay() + 3) % 7] ?? 'Sun';
  const verdict = await applyPolicy(c.sim, {
    maxUnavailable: 2,
    topology: { key: ZONE, maxUnavailable: 1 },
    pools: [
      { name: 'web', nodeSelector: { matchLabels: { role: 'web' } }, maxUnavailable: '50%', windows: [{ days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], start: '00:00', end: '00:00', timeZone: 'UTC' }] },
      { name: 'db', nodeSelector: { matchLabels: { role: 'db' } }, maxUnavailable: 1, paused: true },
    ],
    windows: [{ days: [otherDay], start: '01:00', end: '02:00', timeZone: 'UTC' }],
    // The holder's drain goes on whatever the window does: this test looks at the page, not at drains.
    drainOutsideWindow: 'Finish',
    pause: { reason: 'kernel regression under investigation', by: 'alice', since: '2026-01-05T10:00:00Z' },
    blockers: {
      pods: [{ name: 'backups', selector: { matchLabels: { app: 'backup' } } }],
      alerts: [{ name: 'critical', url: prom.url, intervalSeconds: 5, timeoutSeconds: 1 }],
    },
    // On (the test cluster's flags turn it off): node-03 has not been Ready for an hour; it holds back pool db only.
    healthGate: { enabled: true, nodeReadySeconds: 3600, timeoutSeconds: 7200 },
  });
  t.equal(verdict.accepted, true, verdict.message);

  // The labels, the blockers' pod list and the first alert query reach the leader in the background.
  const snap: StatusSnapshot = await pollUntil(
    'the leader to show the labelled nodes, the listed pods and the failed alert query',
    async () => {
      const { body } = await getStatus(leader);
      const p = body.policy;
      const ready = p.cluster.topology?.values.length === 2 && p.blockers.every((b) => (b.kind === 'pods' ? b.synced : b.status === 'error'));
      return ready ? body : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 50 },
  );

  t.match(snap.budget, { maxRebooting: 2, slotsPerGroup: null, groups: [{ group: 'azure-urgent' }, { group: 'default', slots: 2, holders: 1 }] }, 'the budget in force is the policy’s');
  const p = snap.policy;
  t.match(p, { source: 'object', generation: 1, crdMissing: false, rejection: null, countUnavailable: true, drainOutsideWindow: 'finish' });
  t.same(p.pause, { reason: 'kernel regression under investigation', by: 'alice', since: '2026-01-05T10:00:00Z' });

  const none = { holders: [], holderCount: 0, unavailable: [], unavailableCount: 0 };
  t.same(p.cluster, {
    maxUnavailable: 2,
    members: 3,
    allowed: 2,
    used: 2,
    holders: ['node-01'],
    holderCount: 1,
    unavailable: ['node-02'],
    unavailableCount: 1,
    topology: {
      key: ZONE,
      maxUnavailable: 1,
      values: [
        { value: 'a', members: 2, allowed: 1, used: 1, holders: ['node-01'], holderCount: 1, unavailable: [], unavailableCount: 0 },
        { value: 'b', members: 1, allowed: 1, used: 1, holders: [], holderCount: 0, unavailable: ['node-02'], unavailableCount: 1 },
      ],
    },
  }, 'the cluster and its zones: who reboots, who is unavailable (cordoned by an admin)');
  t.same(p.pools, [
    { name: 'web', nodeSelector: 'role=web', paused: false, maxUnavailable: '50%', members: 2, allowed: 1, used: 2, holders: ['node-01'], holderCount: 1, unavailable: ['node-02'], unavailableCount: 1, topology: null },
    { name: 'db', nodeSelector: 'role=db', paused: true, maxUnavailable: 1, members: 1, allowed: 1, used: 0, ...none, topology: null },
  ]);

  t.match(p.windows, [
    { scope: 'cluster', pool: null, open: false, closesAt: null, opensAt: ISO, next: new RegExp(`^${otherDay} 01:00 UTC \\(\\d{4}-\\d\\d-\\d\\dT01:00:00Z\\)$`), windows: [`${otherDay} 01:00–02:00 UTC`] },
    { scope: 'pool web', pool: 'web', open: true, closesAt: null, opensAt: null, next: '', windows: ['every day all day UTC'] },
  ]);
  t.equal(p.windows.length, 2);

  t.same(p.blockers[0], {
    kind: 'pods',
    name: 'backups',
    namespace: null,
    scope: 'cluster',
    selector: 'app=backup',
    synced: true,
    blocking: true,
    pods: [{ namespace: 'backup', name: 'nightly', nodeName: 'node-03', phase: 'Running' }],
    podCount: 1,
    message: 'pods "backups": backup/nightly on node-03',
    error: '',
    errorAt: null,
  });
  const failure = `Prometheus at ${prom.url} answered 503: TSDB not ready`;
  t.match(p.blockers[1], { kind: 'alerts', name: 'critical', api: 'prometheus', url: prom.url, onError: 'block', status: 'error', blocking: true, alerts: [], alertCount: 0, message: `alerts "critical": ${failure} (onError Block)`, error: failure, checkedAt: ISO });

  t.match(p.healthGate, { enabled: true, timeoutSeconds: 7200, nodeReadySeconds: 3600, onTimeout: 'proceed' });
  t.match(p.healthGate.releases, [{ node: 'node-03', releasedAt: ISO, missing: [/^node node-03 Ready for 1h \(\d+s so far\)$/], timedOut: false, timesOutAt: ISO }], 'the released node has not been Ready for an hour');

  t.same(p.holding.map((h) => h.rule), ['pause', 'pause', 'window', 'blocker', 'blocker', 'health'], 'what holds claims back, in one list');
  t.match(p.holding, [
    { message: 'new reboots are paused by alice since 2026-01-05T10:00:00Z: kernel regression under investigation', until: null },
    { message: 'pool db is paused', until: null },
    { message: /^cluster outside its windows/, until: p.windows[0]?.opensAt },
    { message: 'pods "backups": backup/nightly on node-03' },
    { message: `alerts "critical": ${failure} (onError Block)` },
    { message: /^node-03 released at .*: waiting for node node-03 Ready for 1h/, until: p.healthGate.releases[0]?.timesOutAt },
  ]);
  // node-02 is in pool web, not db: the pause, the cluster's window and both blockers hold it back.
  const refused = await c.preReboot('node-02');
  t.match(refused, { status: 423, kind: 'blocked' });
  for (const h of [0, 2, 3, 4].map((i) => p.holding[i])) t.match(refused.ok ? '' : refused.value, `${h?.rule}: ${h?.message}`, `a refusal says it in the same words (${h?.rule})`);
});

void t.test('a rejected edit shows with its field and time while the last good policy stays in force', async (t) => {
  const c = await startCluster(t, { nodes: 2 });
  const leader = await c.leader();
  await applyPolicy(c.sim, { maxUnavailable: 2, pools: [{ name: 'all', nodeSelector: {}, maxUnavailable: 1 }] });
  const verdict = await applyPolicy(c.sim, { maxUnavailable: 2, pools: [{ name: 'all', nodeSelector: {}, maxUnavailable: '0%' }] });
  t.equal(verdict.accepted, false);
  const { body } = await getStatus(leader);
  t.match(body.policy, {
    source: 'object',
    generation: 1,
    rejection: { generation: 2, field: 'spec.pools[0].maxUnavailable', reason: /^must be a whole number of nodes/, at: ISO },
    cluster: { maxUnavailable: 2, members: 2 },
    pools: [{ name: 'all', maxUnavailable: 1, members: 2, allowed: 1 }],
  }, 'generation 1 is in force, generation 2 is rejected naming its field');
  await applyPolicy(c.sim, { maxUnavailable: 1 });
  t.match((await getStatus(leader)).body.policy, { source: 'object', generation: 3, rejection: null, pools: [] }, 'a good edit clears the rejection');
});
