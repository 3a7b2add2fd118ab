// MaintenanceRequests under the rollout policy: held back by every rule a FleetLock claim is, each named in the
// request's status, and never allowed past it through an urgent group.
import t from 'tap';
import { makePod } from '../../src/sim/kube/fixtures.js';
import { startDrainCluster } from '../support/drain-cluster.js';
import { scrape } from '../support/metrics.js';
import { applyPolicy } from '../support/policy.js';
import { createRequest, holderOf, phaseOf, requestOf } from '../support/requests.js';

const PAUSE = { reason: 'kernel regression', by: 'alice' };

void t.test('a request naming an urgent group is Rejected during a pause, naming the group and the flag, and changes nothing', async (t) => {
  const c = await startDrainCluster(t);
  await c.startReplica('r1');
  t.equal((await applyPolicy(c.sim, { pause: PAUSE })).accepted, true);
  createRequest(c.sim, 'sneak', { nodeName: 'node-01', group: 'azure-urgent' });
  const rejected = await phaseOf(c.sim, 'sneak', 'Rejected');
  t.match(rejected.status?.message, /^spec\.group: azure-urgent is an urgent group \(--urgent-groups\)/);
  t.same(holderOf(c.sim, 'node-01'), { status: undefined, source: undefined, request: undefined }, 'no slot taken');
  t.equal(c.sim.store.getNode('node-01')?.spec.unschedulable, undefined, 'not cordoned');
  t.same(c.holders(), []);
});

void t.test('a pending request is held back by a pause, a closed window and a pod blocker, each named, and claims once they clear', async (t) => {
  // Pod blockers change without a Node or request event: pending requests are looked at again every --resync-interval.
  const c = await startDrainCluster(t, { flags: ['--resync-interval', '1s'] });
  await c.startReplica('r1');
  c.sim.store.createPod(makePod({ namespace: 'backup', name: 'nightly', nodeName: 'node-02', labels: { app: 'backup' } }));
  const otherDay = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][(new Date().getUTCDay() + 3) % 7];
  const blockers = { pods: [{ name: 'backups', selector: { matchLabels: { app: 'backup' } } }] };
  const window = { days: [otherDay], start: '01:00', end: '02:00', timeZone: 'UTC' };
  t.equal((await applyPolicy(c.sim, { pause: PAUSE, windows: [window], blockers })).accepted, true);

  createRequest(c.sim, 'disk', { nodeName: 'node-01', drain: false });
  const all = await phaseOf(c.sim, 'disk', 'Pending', /^blocked: pause: .*; window: .*; blocker: pods "backups": backup\/nightly on node-02$/);
  t.match(all.status?.message, /pause: new reboots are paused by alice.*kernel regression/);
  t.match(all.status?.message, /window: cluster outside its windows/);
  t.equal(holderOf(c.sim, 'node-01').status, undefined, 'nothing written on the waiting node');

  t.equal((await applyPolicy(c.sim, { windows: [window], blockers })).accepted, true, 'resumed');
  const noPause = await phaseOf(c.sim, 'disk', 'Pending', /^blocked: window: .*; blocker: /);
  t.notMatch(noPause.status?.message, /pause:/, 'the pause is no longer named');

  t.equal((await applyPolicy(c.sim, { blockers })).accepted, true, 'the window removed');
  await phaseOf(c.sim, 'disk', 'Pending', /^blocked: blocker: pods "backups": backup\/nightly on node-02$/);

  c.sim.store.remove('pods', 'backup', 'nightly');
  const approved = await phaseOf(c.sim, 'disk', 'Approved');
  t.ok(approved.status?.times?.approved);
  t.same(holderOf(c.sim, 'node-01'), { status: 'Rebooting', source: 'maintenance-request', request: 'disk' });
  t.equal(requestOf(c.sim, 'disk')?.status?.phase, 'Approved');
});

void t.test('reboot_manager_claims_blocked_total counts FleetLock refusals, not the passes over a pending request', async (t) => {
  const c = await startDrainCluster(t);
  const { internalUrl } = await c.leader();
  t.equal((await applyPolicy(c.sim, { pause: PAUSE })).accepted, true);
  createRequest(c.sim, 'disk', { nodeName: 'node-01' });
  await phaseOf(c.sim, 'disk', 'Pending', /^blocked: pause: /);
  const window = { days: [['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][(new Date().getUTCDay() + 3) % 7]], start: '01:00', end: '02:00', timeZone: 'UTC' };
  t.equal((await applyPolicy(c.sim, { pause: PAUSE, windows: [window] })).accepted, true);
  await phaseOf(c.sim, 'disk', 'Pending', /^blocked: pause: .*; window: /);
  const blocked = async (reason: string) => (await scrape(internalUrl)).value('reboot_manager_claims_blocked_total', { reason });
  t.equal(await blocked('pause'), 0, 'the request was looked at twice, and counted in neither');
  t.match(await c.preReboot('node-02'), { ok: false, kind: 'blocked' });
  t.equal(await blocked('pause'), 1, "Zincati's refused pre-reboot is counted once per reason");
  t.equal(await blocked('window'), 1);
});
