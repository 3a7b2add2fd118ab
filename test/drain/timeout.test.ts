import t, { type Test } from 'tap';
import type { TestCluster } from '../support/cluster.js';
import { addPdb, addReplicaSet, assertNoOrphanCordon, drainNoteMatches, eventRecorded, startDrainCluster } from '../support/drain-cluster.js';

/** One pod of shop/web on each node under a budget of 2: its eviction is refused for good. */
async function stuckDrain(t: Test, policy: string): Promise<TestCluster> {
  const c = await startDrainCluster(t, { nodes: 2, flags: ['--drain-timeout', '1s', '--drain-timeout-policy', policy] });
  addReplicaSet(c, 'shop', 'web', ['node-01', 'node-02']);
  addPdb(c, 'shop', 'web', 'web', 2);
  // Not awaited: a pre-reboot waits briefly for a quick drain, and this one may time out meanwhile.
  const first = c.preReboot('node-01');
  await drainNoteMatches(c, 'node-01', /waiting on PodDisruptionBudget shop\/web/);
  t.teardown(() => first.then(() => undefined));
  return c;
}

void t.test('timeout policy delete: the remaining pods are deleted bypassing the budget, then the reboot is granted', async (t) => {
  const c = await stuckDrain(t, 'delete');
  const timedOut = await eventRecorded(c, 'node-01', 'DrainTimeout');
  t.match(timedOut.message, /Drain timed out after 1s with 1 pod left \(shop\/web-1\): deleting the remaining pods, bypassing PodDisruptionBudgets \(policy delete\)/);
  await drainNoteMatches(c, 'node-01', /^drained: 1 pod evicted$/);
  t.equal(c.sim.requests.count({ verb: 'delete', resource: 'pods', name: 'web-1' }), 1, 'deleted once, with its grace period');
  const unusedPodRules = c.sim.rbac.unusedPermissions().filter((p) => p.resource.startsWith('pods'));
  t.same(unusedPodRules, [], 'every pod permission in rbac.yaml is used (list, watch, delete, eviction)');
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  assertNoOrphanCordon(t, c.sim);
});

void t.test('timeout policy grant: the reboot is granted with the blocked pod still on the node', async (t) => {
  const c = await stuckDrain(t, 'grant');
  const timedOut = await eventRecorded(c, 'node-01', 'DrainTimeout');
  t.match(timedOut.message, /granting the reboot anyway \(policy grant\)/);
  await drainNoteMatches(c, 'node-01', /^drain timed out; reboot granted anyway with 1 pod left \(policy grant\)$/);
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  t.ok(c.sim.store.getPod('shop', 'web-1'), 'the budget was never broken');
  t.equal(c.sim.requests.count({ verb: 'delete', resource: 'pods' }), 0);
  assertNoOrphanCordon(t, c.sim);
});

void t.test('timeout policy refuse (the default) keeps refusing, saying it timed out and what blocks', async (t) => {
  const c = await stuckDrain(t, 'refuse');
  await eventRecorded(c, 'node-01', 'DrainTimeout');
  t.match(await c.preReboot('node-01'), { ok: false, kind: 'draining', value: /^drain timed out after 1s \(policy refuse\); 0\/1 pods evicted; waiting on PodDisruptionBudget shop\/web$/ });
  t.ok(c.sim.store.getPod('shop', 'web-1'));
  t.equal(c.sim.requests.count({ verb: 'delete', resource: 'pods' }), 0, 'nothing deleted');
  t.same(await c.releaseByHand('node-01'), { released: true, uncordoned: true });
  assertNoOrphanCordon(t, c.sim);
});
