import t from 'tap';
import { addReplicaSet, assertNoOrphanCordon, drainNoteMatches, eventRecorded, nodeEvents, rebootAndWaitForRelease, startDrainCluster } from '../support/drain-cluster.js';

void t.test("an admin's cordon is left alone and stays after the release", async (t) => {
  const c = await startDrainCluster(t, { nodes: 2 });
  c.sim.store.updateNode('node-01', (n) => {
    n.spec.unschedulable = true;
  });
  addReplicaSet(c, 'shop', 'web', ['node-01']);
  const leader = await c.leader();
  await leader.nodes.caughtUp('node-01', c.sim.store.getNode('node-01')?.metadata.resourceVersion ?? '', 5000);

  await c.preReboot('node-01'); // granted at once when the drain is quick, else refused with `draining`
  await drainNoteMatches(c, 'node-01', /^drained: 1 pod evicted$/);
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  t.equal(c.sim.store.getNode('node-01')?.metadata.annotations?.['rebootmanager/cordoned'], undefined, 'not marked as cordoned by us');
  await rebootAndWaitForRelease(c, 'node-01');
  await eventRecorded(c, 'node-01', 'RebootSlotReleased');
  t.equal(c.sim.store.getNode('node-01')?.spec.unschedulable, true, "the admin's cordon stays");
  t.notOk(nodeEvents(c, 'node-01').some((e) => e.reason === 'Cordoned' || e.reason === 'Uncordoned'), 'we neither cordoned nor uncordoned it');
  assertNoOrphanCordon(t, c.sim);
});
