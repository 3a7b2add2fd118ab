// kubernetes/base/rbac.yaml grants exactly what the server calls: the simulator enforces the rules
// (a missing one fails every test), and a full cycle must use each granted verb at least once.
import t from 'tap';
import { SERVICE_ACCOUNT } from '../support/cluster.js';
import { applyPolicy } from '../support/policy.js';
import { createRequest, phaseOf } from '../support/requests.js';
import { addPdb, addReplicaSet, assertNoOrphanCordon, drainNoteMatches, startDrainCluster } from '../support/drain-cluster.js';

void t.test('a claim, a conflict, a blocked drain deleted on timeout and a release use every rule', async (t) => {
  // The health gate on, as users get it: its workload and PodDisruptionBudget watches use their rules.
  const c = await startDrainCluster(t, { nodes: 2, flags: ['--drain-timeout', '1s', '--drain-timeout-policy', 'delete', '--health-gate'] });
  // A RebootPolicy: the leader watches it and writes its status.
  t.equal((await applyPolicy(c.sim, { maxUnavailable: 1 })).accepted, true);
  // A MaintenanceRequest: watched, and its status written (here Rejected: no such node).
  createRequest(c.sim, 'ghost', { nodeName: 'node-99' });
  await phaseOf(c.sim, 'ghost', 'Rejected');
  addReplicaSet(c, 'shop', 'web', ['node-01', 'node-02']);
  addPdb(c, 'shop', 'web', 'web', 2);
  // One conflict on the claim's write: the server reads the Node again (nodes get).
  c.sim.faults.inject({ verb: 'patch', resource: 'nodes', status: 409, times: 1 });
  const first = c.preReboot('node-01');
  t.teardown(() => first.then(() => undefined));
  await drainNoteMatches(c, 'node-01', /^drained: 1 pod evicted$/);
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  c.sim.store.rebootNode('node-01');
  c.sim.store.setNodeReady('node-01', true);
  await c.sim.store.waitFor(() => c.holders().length === 0);
  await c.sim.store.waitFor(() => c.sim.rbac.unusedPermissions(SERVICE_ACCOUNT).length === 0 || undefined, { timeoutMs: 10_000, description: 'every permission used' });
  t.same(c.sim.rbac.unusedPermissions(SERVICE_ACCOUNT), [], 'no rule granted to the server in rbac.yaml is unused');
  t.ok(c.sim.requests.count({ status: 403 }) === 0, 'and nothing the server asked for was refused');
  assertNoOrphanCordon(t, c.sim);
});
