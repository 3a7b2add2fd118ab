import t from 'tap';
import {
  addPdb,
  addReplicaSet,
  assertNoOrphanCordon,
  drainNoteMatches,
  eventRecorded,
  evictablePods,
  nodeEvents,
  rebootAndWaitForRelease,
  startDrainCluster,
} from '../support/drain-cluster.js';

void t.test('a PodDisruptionBudget holds the drain until a replacement is Ready elsewhere; then the reboot is granted', async (t) => {
  const c = await startDrainCluster(t, { nodes: 2 });
  addReplicaSet(c, 'shop', 'web', ['node-01', 'node-01', 'node-02']);
  addPdb(c, 'shop', 'web', 'web', 2);

  const first = await c.preReboot('node-01');
  t.match(first, { ok: false, status: 423, kind: 'draining' }, 'claimed, but not safe to reboot yet');
  const cordoned = await c.sim.store.waitFor(() => c.sim.store.getNode('node-01')?.metadata.annotations?.['rebootmanager/cordoned'], { description: 'cordon' });
  t.equal(cordoned, 'true', 'the cordon is recorded as ours');
  t.equal(c.sim.store.getNode('node-01')?.spec.unschedulable, true, 'the node is cordoned');

  await drainNoteMatches(c, 'node-01', /waiting on PodDisruptionBudget shop\/web/);
  const refused = await c.preReboot('node-01');
  t.match(refused, { ok: false, kind: 'draining', value: /\d\/2 pods evicted.*waiting on PodDisruptionBudget shop\/web/ }, 'the refusal names the budget');
  const blocked = await eventRecorded(c, 'node-01', 'EvictionBlocked');
  t.match(blocked.message, /cannot evict pod shop\/web-\d: The disruption budget web needs 2 healthy pods/);
  const running = c.sim.store.listPods({ namespace: 'shop', nodeName: 'node-01' }).filter((p) => !p.metadata.deletionTimestamp);
  t.equal(running.length, 1, 'one pod is held back by the budget');

  // The controller's replacement for the evicted pod comes up on node-02; the budget then allows the next eviction.
  const replacement = await c.sim.store.waitFor(() => c.sim.store.listPods({ namespace: 'shop', nodeName: 'node-02' }).find((p) => p.metadata.name !== 'web-3'), { description: 'a replacement on node-02' });
  c.sim.store.setPodReady('shop', replacement.metadata.name ?? '', true);

  await drainNoteMatches(c, 'node-01', /^drained: 2 pods evicted$/);
  t.same(evictablePods(c, 'node-01'), [], 'nothing evictable is left on the node');
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 }, 'granted once drained');
  await eventRecorded(c, 'node-01', 'RebootGranted');
  t.same(nodeEvents(c, 'node-01').map((e) => e.reason).filter((r) => ['Cordoned', 'Evicting', 'Drained', 'RebootGranted'].includes(r)), ['Cordoned', 'Evicting', 'Drained', 'RebootGranted']);

  await rebootAndWaitForRelease(c, 'node-01');
  t.notOk(c.sim.store.getNode('node-01')?.spec.unschedulable, 'uncordoned on release: reboot-manager had cordoned it');
  assertNoOrphanCordon(t, c.sim);
});

void t.test('a pod under two budgets is reported, not spun on; releasing the slot stops the drain and uncordons', async (t) => {
  const c = await startDrainCluster(t, { nodes: 2, flags: ['--drain-timeout', '1s', '--eviction-blocked-retry', '1m'] });
  addReplicaSet(c, 'shop', 'api', ['node-01', 'node-02']);
  addPdb(c, 'shop', 'api-a', 'api', 1);
  addPdb(c, 'shop', 'api-b', 'api', 1);

  t.match(await c.preReboot('node-01'), { ok: false, kind: 'draining' });
  const blocked = await eventRecorded(c, 'node-01', 'EvictionBlocked');
  t.match(blocked.message, /shop\/api-1.*more than one PodDisruptionBudget/);
  // The drain timeout (1s, policy refuse) bounds the window in which we count eviction calls.
  const timedOut = await eventRecorded(c, 'node-01', 'DrainTimeout');
  t.match(timedOut.message, /still refusing the reboot \(policy refuse\)/);
  const note = await drainNoteMatches(c, 'node-01', /^drain timed out after 1s \(policy refuse\)/);
  t.match(note, /waiting on pod shop\/api-1 matched by several PodDisruptionBudgets/);
  t.match(await c.preReboot('node-01'), { ok: false, kind: 'draining', value: /timed out.*several PodDisruptionBudgets/ });
  t.equal(c.sim.requests.count({ subresource: 'eviction', name: 'api-1' }), 1, 'asked once, then waits the slow retry interval');
  t.equal(nodeEvents(c, 'node-01').filter((e) => e.reason === 'EvictionBlocked').length, 1, 'reported once');

  t.same(await c.releaseByHand('node-01'), { released: true, uncordoned: true });
  t.notOk(c.sim.store.getNode('node-01')?.spec.unschedulable, 'uncordoned: reboot-manager had cordoned it');
  t.ok(c.sim.store.getPod('shop', 'api-1'), 'the pod stays where it was');
  assertNoOrphanCordon(t, c.sim);
});
