import t from 'tap';
import { startCluster } from '../support/cluster.js';

void t.test('the first node gets the only slot; others are refused with who holds it; the holder may ask again', async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  const granted = await c.preReboot('node-01');
  t.same(granted, { ok: true, status: 200 });
  const node = c.sim.store.getNode('node-01');
  t.equal(node?.metadata.annotations?.['rebootmanager/status'], 'Rebooting');
  t.equal(node?.metadata.annotations?.['rebootmanager/group'], 'default');
  t.equal(node?.metadata.annotations?.['rebootmanager/boot-id'], node?.status?.nodeInfo?.bootID);

  const refused = await c.preReboot('node-02');
  t.match(refused, { ok: false, status: 423, kind: 'slots_full', value: /held \(by node-01\)/ });
  t.same(c.holders(), ['node-01'], 'a refusal changes nothing');

  const again = await c.preReboot('node-01');
  t.same(again, { ok: true, status: 200 }, 'pre-reboot is idempotent for the holder');
  t.same(c.holders(), ['node-01']);
});

void t.test('a refused pre-reboot costs no Kubernetes API request once its wait is on record', async (t) => {
  const c = await startCluster(t, { nodes: 2 });
  t.equal((await c.preReboot('node-01')).ok, true);
  const client = await c.client('node-02');
  // The leader publishes the grant as node-01's lifecycle conditions on its own: let that write land first.
  await c.sim.store.waitFor(() => c.sim.store.getNode('node-01')?.status.conditions?.some((x) => x.type === 'MaintenanceInProgress' && x.status === 'True'));
  c.sim.requests.reset();
  const steady = await c.client('node-02');
  for (let i = 0; i < 20; i++) t.equal((await steady.steadyState()).ok, true);
  // The first refusal records the wait on node-02 (once); later ones are answered from the cache.
  t.equal((await client.preReboot()).ok, false);
  await c.sim.store.waitFor(() => c.sim.store.getNode('node-02')?.metadata.annotations?.['rebootmanager/waiting'] !== undefined);
  t.equal(c.sim.requests.count({ user: 'system:serviceaccount:reboot-manager:reboot-manager', resource: 'nodes' }), 1, 'one write: the wait');
  c.sim.requests.reset();
  for (let i = 0; i < 20; i++) t.equal((await client.preReboot()).ok, false);
  const calls = c.sim.requests.count({ user: 'system:serviceaccount:reboot-manager:reboot-manager' });
  const nonLease = c.sim.requests.count({ user: 'system:serviceaccount:reboot-manager:reboot-manager', resource: 'nodes' });
  t.equal(nonLease, 0, `no node reads or writes for 40 answered requests (${calls} requests in all, leader Lease renewals only)`);
});

void t.test('steady-state without a slot is 200 and changes nothing (unbalanced calls)', async (t) => {
  const c = await startCluster(t, { nodes: 2 });
  const before = c.sim.store.getNode('node-02')?.metadata.resourceVersion;
  t.same(await c.steadyState('node-02'), { ok: true, status: 200 });
  t.same(await c.steadyState('node-02'), { ok: true, status: 200 });
  t.equal(c.sim.store.getNode('node-02')?.metadata.resourceVersion, before, 'the Node was not written');
  t.same(c.holders(), []);
});

void t.test('groups are isolated: each has its own slots under the cluster-wide cap', async (t) => {
  const c = await startCluster(t, { nodes: 4, flags: ['--max-rebooting', '2', '--group-slots', 'blue=1,green=1'] });
  t.equal((await c.preReboot('node-01', 'blue')).ok, true);
  t.equal((await c.preReboot('node-02', 'green')).ok, true);
  t.match(await c.preReboot('node-03', 'blue'), { ok: false, kind: 'slots_full', value: /group blue/ });
  t.match(await c.preReboot('node-04', 'yellow'), { ok: false, kind: 'slots_full', value: /cluster-wide limit of 2/ });
  t.same(c.holders(), ['node-01', 'node-02']);
});

void t.test('ids: raw machine-ids (dashed or not) match; unknown and duplicate ids are refused with the fix', async (t) => {
  const c = await startCluster(t, { nodes: 2 });
  const raw = c.machineIdOf('node-02');
  const dashed = `${raw.slice(0, 8)}-${raw.slice(8, 12)}-${raw.slice(12, 16)}-${raw.slice(16, 20)}-${raw.slice(20)}`;
  const { FleetLockClient } = await import('../../src/fleetlock/client.js');
  const leader = await c.leader();
  const byDashed = new FleetLockClient({ baseUrl: leader.url, id: dashed, group: 'default', dispatcher: c.from('node-02') });
  t.teardown(() => byDashed.close());
  t.same(await byDashed.preReboot(), { ok: true, status: 200 });
  t.same(c.holders(), ['node-02']);

  const stranger = new FleetLockClient({ baseUrl: leader.url, id: '0123456789abcdef0123456789abcdef', group: 'default', dispatcher: c.from('node-01') });
  t.teardown(() => stranger.close());
  t.match(await stranger.preReboot(), { ok: false, status: 404, kind: 'unknown_id', value: /status\.nodeInfo\.machineID/ });
  t.match(await stranger.steadyState(), { ok: false, kind: 'unknown_id' });

  const { makeNode } = await import('../../src/sim/kube/fixtures.js');
  c.sim.store.createNode(makeNode({ name: 'clone-a', machineID: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }));
  const b = c.sim.store.createNode(makeNode({ name: 'clone-b', machineID: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }));
  await leader.nodes.caughtUp('clone-b', b.metadata.resourceVersion ?? '', 5000);
  const { zincatiId } = await import('../../src/identity/app-specific-id.js');
  const clone = new FleetLockClient({ baseUrl: leader.url, id: zincatiId('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'), group: 'default', dispatcher: c.from('node-01') });
  t.teardown(() => clone.close());
  t.match(await clone.preReboot(), { ok: false, status: 409, kind: 'duplicate_id', value: /clone-a, clone-b .*\/etc\/machine-id/ });
  t.same(c.holders(), ['node-02'], 'nothing changed for the ambiguous caller');
});

void t.test('followers refuse with not_leader and report not ready', async (t) => {
  const c = await startCluster(t, { nodes: 2, replicas: 2 });
  const leader = await c.leader();
  const follower = c.servers.find((s) => s !== leader);
  t.ok(follower);
  if (!follower) return;
  t.match(await (await c.client('node-01', { server: follower })).preReboot(), { ok: false, status: 503, kind: 'not_leader' });
  const ready = await fetch(new URL('readyz', follower.internalUrl));
  t.equal(ready.status, 503);
  t.equal((await fetch(new URL('readyz', leader.internalUrl))).status, 200);
  t.same(c.holders(), []);
});

void t.test('an urgent group is granted even when every slot is held, and blocks others while it lasts', async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  t.same(await c.preReboot('node-02', 'azure-urgent'), { ok: true, status: 200 }, 'the VM goes away regardless: drain and grant');
  t.same(c.holders(), ['node-01', 'node-02']);
  c.sim.store.rebootNode('node-01');
  c.sim.store.setNodeReady('node-01', true);
  await c.sim.store.waitFor(() => c.holders().length === 1);
  t.match(await c.preReboot('node-03'), { ok: false, kind: 'slots_full', value: /node-02/ }, 'the urgent holder counts against the budget');
});
