// A MaintenanceRequest lives in the API, not in a replica: the leader stops in each phase and the next carries on.
import t from 'tap';
import type { RunningServer } from '../../src/server.js';
import type { TestCluster } from '../support/cluster.js';
import { assertNoOrphanCordon } from '../support/cordon.js';
import { addPdb, addReplicaSet, startDrainCluster } from '../support/drain-cluster.js';
import { createRequest, holderOf, phaseOf, requestOf, setState } from '../support/requests.js';

/** Stops the leader and starts a replacement replica; resolves with the replica that leads next. */
async function failover(c: TestCluster, n: number): Promise<RunningServer> {
  const old = await c.leader();
  await old.close();
  c.servers = c.servers.filter((s) => s !== old);
  await c.startReplica(`r${n}`);
  const next = await c.leader();
  if (next === old) throw new Error('the stopped replica still leads');
  return next;
}

void t.test('draining, approved, in progress and completing: each survives a change of leader', async (t) => {
  const c = await startDrainCluster(t, { replicas: 2 });
  await c.leader();
  addReplicaSet(c, 'shop', 'web', ['node-02']);
  addPdb(c, 'shop', 'web', 'web', 1);
  createRequest(c.sim, 'disk', { nodeName: 'node-02' });
  const draining = await c.sim.store.waitFor(() => (requestOf(c.sim, 'disk')?.status?.drain?.blockers.length ? requestOf(c.sim, 'disk') : undefined), { description: 'drain blocked by the budget' });
  const pendingSince = draining.status?.times?.pending;

  await failover(c, 3);
  c.sim.store.remove('poddisruptionbudgets', 'shop', 'web');
  const approved = await phaseOf(c.sim, 'disk', 'Approved');
  t.equal(approved.status?.times?.pending, pendingSince, 'the new leader kept the request\'s history');
  t.match(approved.status?.drain, { evicted: 1, total: 1, done: true }, 'the new leader finished the drain the old one started');

  await failover(c, 4);
  setState(c.sim, 'disk', 'InProgress');
  const started = await phaseOf(c.sim, 'disk', 'InProgress');
  t.equal(started.status?.times?.approved, approved.status?.times?.approved, 'approved once, whoever leads');

  await failover(c, 5);
  setState(c.sim, 'disk', 'Completed');
  await phaseOf(c.sim, 'disk', 'InProgress', /given back once node node-02 is Ready/);
  c.sim.store.postNodeStatus('node-02');
  await phaseOf(c.sim, 'disk', 'Completed');
  t.equal(holderOf(c.sim, 'node-02').status, 'Ready');
  assertNoOrphanCordon(t, c.sim);
});

void t.test('a request deleted while no replica leads gives its slot back under the next leader', async (t) => {
  const c = await startDrainCluster(t, { replicas: 1 });
  await c.leader();
  createRequest(c.sim, 'disk', { nodeName: 'node-02' });
  await phaseOf(c.sim, 'disk', 'Approved');
  const only = await c.leader();
  await only.close();
  c.servers = [];
  c.sim.store.remove('maintenancerequests', undefined, 'disk');
  t.equal(holderOf(c.sim, 'node-02').request, 'disk', 'nobody leads: the slot is still held');
  await c.startReplica('r2');
  await c.sim.store.waitFor(() => holderOf(c.sim, 'node-02').status === 'Ready', { description: 'slot given back' });
  assertNoOrphanCordon(t, c.sim);
});
