// GET /api/v1/status on the leader and a follower of a simulated cluster, over real HTTP.
import t from 'tap';
import { getStatus, startStatusCluster } from '../support/status-cluster.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

void t.test('the leader and a follower serve the snapshot from their own caches', async (t) => {
  const c = await startStatusCluster(t, { replicas: 2 });
  const leader = await c.leader();
  const follower = c.servers.find((s) => s !== leader);
  if (!follower) throw new Error('no follower');
  const leaseHolder = (c.sim.store.get('leases', 'reboot-manager', 'reboot-manager') as { spec?: { holderIdentity?: string } } | undefined)?.spec?.holderIdentity;

  const fromLeader = await getStatus(leader);
  t.equal(fromLeader.status, 200);
  t.match(fromLeader.headers.get('content-type'), /^application\/json/);
  t.equal(fromLeader.headers.get('cache-control'), 'no-store');
  const snap = fromLeader.body;
  t.match(snap, { generatedAt: ISO, identity: leaseHolder, leader: true, cacheSynced: true, holders: 1 });
  t.same(snap.budget, {
    maxRebooting: 1,
    slotsPerGroup: 1,
    groupSlots: {},
    urgentGroups: ['azure-urgent'],
    groups: [
      { group: 'azure-urgent', slots: 1, holders: 0, urgent: true },
      { group: 'default', slots: 1, holders: 1, urgent: false },
    ],
  });
  t.same(snap.nodes.map((r) => r.node), ['node-01', 'node-02', 'node-03'], 'the holder first, then by name');

  const [holder, cordoned, released] = snap.nodes;
  t.match(holder, {
    node: 'node-01',
    lock: 'Rebooting',
    group: 'default',
    phase: 'draining',
    heldForSeconds: Number,
    claimedAt: ISO,
    ready: true,
    cordoned: 'us',
    drain: '1/2 pods evicted; waiting on PodDisruptionBudget shop/web',
    drainEvicted: 1,
    drainTotal: 2,
    drainWaitingOn: 'PodDisruptionBudget shop/web',
    drainTimedOut: false,
    releasedAt: null,
    source: 'fleetlock',
    fleetlockId: c.zincatiIdOf('node-01'),
    request: '',
  });
  t.equal(holder?.claimedAt, c.sim.store.getNode('node-01')?.metadata.annotations?.['rebootmanager/claimed-at'], 'the claim time as the annotation has it');
  t.same(cordoned, {
    node: 'node-02',
    lock: 'Ready',
    group: '',
    phase: '',
    heldForSeconds: null,
    claimedAt: null,
    ready: true,
    cordoned: 'admin',
    drain: '',
    drainEvicted: null,
    drainTotal: null,
    drainWaitingOn: '',
    drainTimedOut: false,
    releasedAt: null,
    source: '',
    fleetlockId: '',
    request: '',
    requester: '',
    reason: '',
    requestPhase: '',
  });
  const releasedAt = c.sim.store.getNode('node-03')?.metadata.annotations?.['rebootmanager/released-at'];
  t.match(released, { node: 'node-03', lock: 'Ready', cordoned: '', heldForSeconds: null, releasedAt: new Date(releasedAt ?? '').toISOString() });
  t.same(snap.lastRelease, { node: 'node-03', at: new Date(releasedAt ?? '').toISOString() });
  t.same(snap.requests, [], 'no MaintenanceRequest');

  const fromFollower = await getStatus(follower);
  t.equal(fromFollower.status, 200, 'a follower serves it too');
  t.match(fromFollower.body, { leader: false, cacheSynced: true, holders: 1 });
  t.not(fromFollower.body.identity, snap.identity, 'each replica names itself');
  const withoutAge = (s: typeof snap) => s.nodes.map(({ heldForSeconds: _age, ...rest }) => rest);
  t.same(withoutAge(fromFollower.body), withoutAge(snap), 'the same nodes, from its own cache');
});

void t.test('answering the status costs no Kubernetes read', async (t) => {
  const c = await startStatusCluster(t);
  const leader = await c.leader();
  const reads = (): number => c.sim.requests.count({ resource: 'nodes', verb: 'get' }) + c.sim.requests.count({ resource: 'nodes', verb: 'list' });
  const before = reads();
  for (let i = 0; i < 5; i++) t.equal((await getStatus(leader)).status, 200);
  t.equal(reads(), before, 'no node was read for five status requests');
});
