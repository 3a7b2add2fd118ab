import t, { type Test } from 'tap';
import type { TestCluster } from '../support/cluster.js';
import { addPdb, addReplicaSet, assertNoOrphanCordon, drainNoteMatches, rebootAndWaitForRelease, startDrainCluster } from '../support/drain-cluster.js';

/** Two pods of shop/web on node-01 and one on node-02 under a budget of 2: the second eviction waits on a replacement. */
async function blockedDrain(t: Test, replicas: number): Promise<TestCluster> {
  const c = await startDrainCluster(t, { nodes: 2, replicas });
  addReplicaSet(c, 'shop', 'web', ['node-01', 'node-01', 'node-02']);
  addPdb(c, 'shop', 'web', 'web', 2);
  t.match(await c.preReboot('node-01'), { ok: false, kind: 'draining' });
  await drainNoteMatches(c, 'node-01', /waiting on PodDisruptionBudget shop\/web/);
  return c;
}

function readyReplacement(c: TestCluster): Promise<void> {
  return c.sim.store
    .waitFor(() => c.sim.store.listPods({ namespace: 'shop', nodeName: 'node-02' }).find((p) => p.metadata.name !== 'web-3'), { description: 'a replacement on node-02' })
    .then((p) => void c.sim.store.setPodReady('shop', p.metadata.name ?? '', true));
}

void t.test('leader failover in the middle of a drain: the new leader resumes it from the API and finishes', async (t) => {
  const c = await blockedDrain(t, 2);
  const first = await c.leader();
  await first.close(); // hands the Lease over; its drain stops
  c.servers = c.servers.filter((s) => s !== first);
  const next = await c.leader();
  t.not(next, first);
  t.match(await c.preReboot('node-01'), { ok: false, kind: 'draining' }, 'the new leader keeps refusing until drained');
  await readyReplacement(c);
  await drainNoteMatches(c, 'node-01', /^drained: /);
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  t.equal(c.sim.store.getNode('node-01')?.metadata.annotations?.['rebootmanager/cordoned'], 'true', 'the cordon is still recorded as ours');
  await rebootAndWaitForRelease(c, 'node-01');
  t.notOk(c.sim.store.getNode('node-01')?.spec.unschedulable, 'and the new leader uncordoned it on release');
  assertNoOrphanCordon(t, c.sim);
});

void t.test('a restart in the middle of a drain: the restarted server resumes it without a new pre-reboot', async (t) => {
  const c = await blockedDrain(t, 1);
  const first = c.servers[0];
  await first?.close();
  c.servers = [];
  await c.startReplica('replica-0');
  await c.leader();
  await readyReplacement(c);
  // No FleetLock call since the restart: the leader's sweep found the holder and resumed its drain.
  await drainNoteMatches(c, 'node-01', /^drained: /);
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  assertNoOrphanCordon(t, c.sim);
});
