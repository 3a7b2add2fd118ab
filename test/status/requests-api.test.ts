// GET /api/v1/status shows MaintenanceRequests beside FleetLock holders: who holds each slot, and every live
// request with its requester, reason, pending message and drain progress, then the ended ones; from the caches.
import t from 'tap';
import type { RunningServer } from '../../src/server.js';
import type { StatusSnapshot } from '../../src/status/snapshot.js';
import { addPdb, addReplicaSet, granted, rebootAndWaitForRelease, startDrainCluster } from '../support/drain-cluster.js';
import { createRequest, phaseOf, setState } from '../support/requests.js';
import { getStatus } from '../support/status-cluster.js';

/** The snapshot once this replica's own request cache shows `name` in `phase`. */
async function statusWith(server: RunningServer, name: string, phase: string): Promise<StatusSnapshot> {
  await server.requests.waitFor(() => server.requests.get(name)?.status?.phase === phase, 15_000);
  return (await getStatus(server)).body;
}

void t.test('a FleetLock holder, a request pending behind it, then the request holding the slot, approved and completed', async (t) => {
  const c = await startDrainCluster(t);
  const leader = await c.leader();
  t.match(await granted(c, 'node-01'), { ok: true }, 'Zincati on node-01 holds the one slot');
  createRequest(c.sim, 'disk', { nodeName: 'node-02' });
  await phaseOf(c.sim, 'disk', 'Pending', /^slots_full: /);

  const pending = await statusWith(leader, 'disk', 'Pending');
  t.match(pending.nodes[0], { node: 'node-01', source: 'fleetlock', fleetlockId: c.zincatiIdOf('node-01'), request: '', requester: '', reason: '' }, 'the FleetLock holder names its id');
  t.match(pending.nodes[1], { node: 'node-02', lock: 'Ready', source: '', request: '' });
  t.match(pending.requests, [
    { name: 'disk', node: 'node-02', phase: 'Pending', requester: 'alice', reason: 'replace disk sdb', group: 'default', drains: true, holding: false, message: /^slots_full: .* held \(by node-01\)$/, drain: '', createdAt: String, since: String },
  ]);
  t.equal(pending.requests.length, 1);

  // The request's node carries a pod no disruption is allowed for: it holds the slot and drains.
  addReplicaSet(c, 'shop', 'web', ['node-02']);
  addPdb(c, 'shop', 'web', 'web', 1);
  await rebootAndWaitForRelease(c, 'node-01');
  await phaseOf(c.sim, 'disk', 'Pending', /^draining: .*waiting on PodDisruptionBudget shop\/web/);
  await leader.nodes.waitFor(() => /waiting on PodDisruptionBudget shop\/web/.test(leader.nodes.get('node-02')?.annotations['rebootmanager/drain'] ?? ''), 15_000);
  const draining = await statusWith(leader, 'disk', 'Pending');
  const holder = draining.nodes[0];
  t.match(holder, { node: 'node-02', lock: 'Rebooting', source: 'maintenance-request', fleetlockId: '', request: 'disk', requester: 'alice', reason: 'replace disk sdb', requestPhase: 'Pending' });
  t.match(draining.requests[0], { name: 'disk', holding: true, message: /^draining: /, drainEvicted: 0, drainTotal: 1, drainWaitingOn: 'PodDisruptionBudget shop/web' }, 'drain progress as the node row has it');
  t.equal(draining.requests[0]?.drain, holder?.drain);

  c.sim.store.remove('poddisruptionbudgets', 'shop', 'web');
  const approved = await phaseOf(c.sim, 'disk', 'Approved');
  const now = await statusWith(leader, 'disk', 'Approved');
  t.match(now.nodes[0], { node: 'node-02', phase: 'drained', requestPhase: 'Approved' });
  t.match(now.requests[0], { name: 'disk', phase: 'Approved', holding: true, since: approved.status?.times?.approved, message: /^approved: node node-02 is yours until / });

  setState(c.sim, 'disk', 'Completed');
  await phaseOf(c.sim, 'disk', 'Approved', /given back once node node-02 is Ready/);
  c.sim.store.postNodeStatus('node-02');
  await phaseOf(c.sim, 'disk', 'Completed');
  const ended = await statusWith(leader, 'disk', 'Completed');
  t.match(ended.nodes.find((r) => r.node === 'node-02'), { lock: 'Ready', source: '', request: '' }, 'the slot went back');
  t.match(ended.requests, [{ name: 'disk', phase: 'Completed', holding: false, drain: '' }], 'an ended request stays listed');
});

void t.test('answering the status lists requests from the cache: no MaintenanceRequest read per answer', async (t) => {
  const c = await startDrainCluster(t, { flags: ['--max-rebooting', '3', '--slots-per-group', '3'] });
  const leader = await c.leader();
  for (const [name, node] of [['a', 'node-01'], ['b', 'node-02'], ['c', 'node-03']] as const) createRequest(c.sim, name, { nodeName: node, drain: false });
  for (const name of ['a', 'b', 'c']) await phaseOf(c.sim, name, 'Approved');
  await statusWith(leader, 'c', 'Approved');
  const reads = (): number => c.sim.requests.count({ resource: 'maintenancerequests', verb: 'get' }) + c.sim.requests.count({ resource: 'maintenancerequests', verb: 'list' });
  const before = reads();
  for (let i = 0; i < 5; i++) t.equal((await getStatus(leader)).body.requests.length, 3);
  t.equal(reads(), before, 'no request was read for five status requests');
});
