// MaintenanceRequests share FleetLock's budget and lock: approved within it, pending with the refusal's words, and
// the slot taken back when the requester finishes, stalls, overruns or deletes the request.
import t from 'tap';
import { addPdb, addReplicaSet, rebootAndWaitForRelease, startDrainCluster } from '../support/drain-cluster.js';
import { assertNoOrphanCordon } from '../support/cordon.js';
import { condition, createRequest, holderOf, phaseOf, requestOf, setState } from '../support/requests.js';

void t.test('approved within the budget while a Zincati node holds the other slot', async (t) => {
  const c = await startDrainCluster(t, { flags: ['--max-rebooting', '2'] });
  await c.startReplica('r1');
  t.equal((await c.preReboot('node-01')).ok, true, 'Zincati on node-01 holds one slot');
  createRequest(c.sim, 'disk', { nodeName: 'node-02', group: 'maintenance' });
  const approved = await phaseOf(c.sim, 'disk', 'Approved');
  t.equal(condition(approved, 'Approved'), 'True', 'kubectl wait --for=condition=Approved would return');
  t.ok(approved.status?.times?.approved, 'the approval time is recorded');
  t.same(holderOf(c.sim, 'node-02'), { status: 'Rebooting', source: 'maintenance-request', request: 'disk' }, 'the Node says a request holds it');
  t.equal(c.sim.store.getNode('node-02')?.spec.unschedulable, true, 'cordoned before approval');
  t.same(c.holders(), ['node-01', 'node-02']);
});

void t.test('pending with the words a FleetLock refusal uses, then approved when the slot frees', async (t) => {
  const c = await startDrainCluster(t);
  await c.startReplica('r1');
  t.equal((await c.preReboot('node-01')).ok, true);
  createRequest(c.sim, 'fw', { nodeName: 'node-02', drain: false });
  const pending = await phaseOf(c.sim, 'fw', 'Pending', /^slots_full: /);
  t.equal(condition(pending, 'Approved'), 'False');
  t.equal(holderOf(c.sim, 'node-02').status, undefined, 'nothing written on the waiting node');
  await rebootAndWaitForRelease(c, 'node-01');
  await phaseOf(c.sim, 'fw', 'Approved');
  t.equal(c.sim.store.getNode('node-02')?.spec.unschedulable, undefined, 'drain: false neither cordons nor drains');
});

void t.test('a FleetLock client on a node a request holds is refused, and its steady-state releases nothing', async (t) => {
  const c = await startDrainCluster(t);
  await c.startReplica('r1');
  createRequest(c.sim, 'disk', { nodeName: 'node-01' });
  await phaseOf(c.sim, 'disk', 'Approved');
  const refused = await c.preReboot('node-01');
  t.equal(refused.ok, false);
  t.match(refused, { kind: 'blocked', value: /MaintenanceRequest disk/ });
  t.equal((await c.steadyState('node-01')).ok, true);
  t.equal(holderOf(c.sim, 'node-01').request, 'disk', 'the request still holds the slot');
});

void t.test('completed by the requester: the slot goes once the node is Ready, our cordon with it', async (t) => {
  const c = await startDrainCluster(t);
  await c.startReplica('r1');
  createRequest(c.sim, 'disk', { nodeName: 'node-02' });
  await phaseOf(c.sim, 'disk', 'Approved');
  setState(c.sim, 'disk', 'InProgress');
  await phaseOf(c.sim, 'disk', 'InProgress');
  c.sim.store.setNodeReady('node-02', false);
  setState(c.sim, 'disk', 'Completed');
  await phaseOf(c.sim, 'disk', 'InProgress', /given back once node node-02 is Ready/);
  t.equal(holderOf(c.sim, 'node-02').status, 'Rebooting', 'kept while the node is not Ready');
  c.sim.store.setNodeReady('node-02', true);
  const done = await phaseOf(c.sim, 'disk', 'Completed');
  t.ok(done.status?.times?.completed);
  t.equal(done.status?.message, 'completed: the slot of node node-02 was given back with the node Ready', 'not "before it was approved"');
  t.equal(holderOf(c.sim, 'node-02').status, 'Ready');
  assertNoOrphanCordon(t, c.sim);
});

void t.test('a requester that does not start within its deadline loses the slot and the node is uncordoned', async (t) => {
  const c = await startDrainCluster(t);
  await c.startReplica('r1');
  createRequest(c.sim, 'slow', { nodeName: 'node-02', startWithinSeconds: 1 });
  await phaseOf(c.sim, 'slow', 'Approved');
  const expired = await phaseOf(c.sim, 'slow', 'Expired', /not started within 1 s/);
  t.equal(condition(expired, 'Approved'), 'False');
  t.equal(holderOf(c.sim, 'node-02').status, 'Ready');
  assertNoOrphanCordon(t, c.sim);
  createRequest(c.sim, 'next', { nodeName: 'node-03' });
  await phaseOf(c.sim, 'next', 'Approved');
});

void t.test('work past its finishing deadline is reported, then released once the node is Ready', async (t) => {
  const c = await startDrainCluster(t);
  await c.startReplica('r1');
  createRequest(c.sim, 'long', { nodeName: 'node-02', finishWithinSeconds: 1 });
  await phaseOf(c.sim, 'long', 'Approved');
  c.sim.store.setNodeReady('node-02', false);
  setState(c.sim, 'long', 'InProgress');
  const overrun = await phaseOf(c.sim, 'long', 'InProgress', /overran/);
  t.equal(condition(overrun, 'Overrun'), 'True');
  t.equal(holderOf(c.sim, 'node-02').status, 'Rebooting', 'a node that is down keeps its slot');
  c.sim.store.setNodeReady('node-02', true);
  const expired = await phaseOf(c.sim, 'long', 'Expired', /overran/);
  t.equal(condition(expired, 'Overrun'), 'True');
  t.equal(holderOf(c.sim, 'node-02').status, 'Ready');
});

void t.test('deleting a request mid-drain gives its slot back and lifts our cordon', async (t) => {
  const c = await startDrainCluster(t);
  await c.startReplica('r1');
  addReplicaSet(c, 'shop', 'web', ['node-02']);
  addPdb(c, 'shop', 'web', 'web', 1);
  createRequest(c.sim, 'disk', { nodeName: 'node-02' });
  const draining = await c.sim.store.waitFor(() => requestOf(c.sim, 'disk')?.status?.drain?.blockers.length ? requestOf(c.sim, 'disk') : undefined, { timeoutMs: 15_000, description: 'drain progress' });
  t.match(draining.status, { phase: 'Pending', message: /^draining: /, drain: { total: 1, evicted: 0, blockers: ['PodDisruptionBudget shop/web'] } }, 'drain progress as data, blocked by the budget');
  t.equal(holderOf(c.sim, 'node-02').status, 'Rebooting');
  c.sim.store.remove('maintenancerequests', undefined, 'disk');
  await c.sim.store.waitFor(() => holderOf(c.sim, 'node-02').status === 'Ready', { timeoutMs: 15_000, description: 'slot given back' });
  assertNoOrphanCordon(t, c.sim);
});

void t.test('a request for a node that does not exist, a second one for a node, or a bad spec is Rejected with the reason', async (t) => {
  const c = await startDrainCluster(t, { flags: ['--max-rebooting', '3'] });
  await c.startReplica('r1');
  createRequest(c.sim, 'ghost', { nodeName: 'node-99' });
  t.match((await phaseOf(c.sim, 'ghost', 'Rejected')).status?.message, /node node-99 does not exist/);
  createRequest(c.sim, 'first', { nodeName: 'node-01' });
  await phaseOf(c.sim, 'first', 'Approved');
  createRequest(c.sim, 'second', { nodeName: 'node-01' });
  t.match((await phaseOf(c.sim, 'second', 'Rejected')).status?.message, /MaintenanceRequest first already asks for node node-01/);
  createRequest(c.sim, 'bad', { nodeName: 'node-02', startWithinSeconds: -5 });
  t.match((await phaseOf(c.sim, 'bad', 'Rejected')).status?.message, /spec\.startWithinSeconds/);
  t.equal(holderOf(c.sim, 'node-02').status, undefined, 'a rejected request changes nothing on its node');
  t.equal(requestOf(c.sim, 'first')?.status?.phase, 'Approved', 'the first request is untouched');
});
