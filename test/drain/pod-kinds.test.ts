import t from 'tap';
import { makePod } from '../../src/sim/kube/index.js';
import { addReplicaSet, assertNoOrphanCordon, drainNoteMatches, eventRecorded, startDrainCluster } from '../support/drain-cluster.js';

const evictions = (c: { sim: { requests: { count(f: object): number } } }, name: string) => c.sim.requests.count({ subresource: 'eviction', name });

void t.test('DaemonSet, mirror and finished pods stay; an already-terminating pod is waited for, not evicted', async (t) => {
  const c = await startDrainCluster(t, { nodes: 2 });
  const s = c.sim.store;
  s.createPod(makePod({ namespace: 'kube-system', name: 'agent-x1', nodeName: 'node-01', owner: { kind: 'DaemonSet', name: 'agent' } }));
  s.createPod(makePod({ namespace: 'kube-system', name: 'etcd-node-01', nodeName: 'node-01', mirror: true, owner: { kind: 'Node', name: 'node-01', apiVersion: 'v1' } }));
  s.createPod(makePod({ namespace: 'jobs', name: 'report-1', nodeName: 'node-01', phase: 'Succeeded', owner: { kind: 'Job', name: 'report' } }));
  s.createPod(makePod({ namespace: 'jobs', name: 'crashed', nodeName: 'node-01', phase: 'Failed' }));
  s.createPod(makePod({ namespace: 'shop', name: 'leaving', nodeName: 'node-01', owner: { kind: 'ReplicaSet', name: 'old' }, terminationGracePeriodSeconds: 200 }));
  s.deletePod('shop', 'leaving');
  addReplicaSet(c, 'shop', 'web', ['node-01']);

  await c.preReboot('node-01'); // granted at once when the drain is quick, else refused with `draining`
  await drainNoteMatches(c, 'node-01', /^drained: 2 pods evicted$/);
  t.notOk(s.getPod('shop', 'leaving'), 'drained only once the terminating pod was gone');
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  for (const name of ['agent-x1', 'etcd-node-01', 'report-1', 'crashed', 'leaving']) t.equal(evictions(c, name), 0, `no eviction of ${name}`);
  t.equal(evictions(c, 'web-1'), 1);
  t.ok(s.getPod('kube-system', 'agent-x1') && s.getPod('kube-system', 'etcd-node-01') && s.getPod('jobs', 'report-1'), 'DaemonSet, mirror and finished pods are still there');
  assertNoOrphanCordon(t, c.sim);
});

void t.test('a StatefulSet pod replaced under the same name elsewhere counts as gone', async (t) => {
  const c = await startDrainCluster(t, { nodes: 2 });
  const old = c.sim.store.createPod(makePod({ namespace: 'db', name: 'pg-0', nodeName: 'node-01', owner: { kind: 'StatefulSet', name: 'pg' }, labels: { app: 'pg' } }));
  await c.preReboot('node-01'); // granted at once when the drain is quick, else refused with `draining`
  await drainNoteMatches(c, 'node-01', /^drained: 1 pod evicted$/);
  const replacement = c.sim.store.getPod('db', 'pg-0');
  t.equal(replacement?.spec.nodeName, 'node-02', 'the StatefulSet put pg-0 back on the other node');
  t.not(replacement?.metadata.uid, old.metadata.uid, 'a new pod under the old name');
  t.equal(evictions(c, 'pg-0'), 1, 'the replacement was never evicted');
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  assertNoOrphanCordon(t, c.sim);
});

void t.test('a pod with no controller blocks the drain by default, naming it, until an operator removes it', async (t) => {
  const c = await startDrainCluster(t, { nodes: 2 });
  c.sim.store.createPod(makePod({ namespace: 'default', name: 'debug-shell', nodeName: 'node-01' }));
  addReplicaSet(c, 'shop', 'web', ['node-01']);
  t.match(await c.preReboot('node-01'), { ok: false, kind: 'draining', value: /pod default\/debug-shell with no controller/ });
  await drainNoteMatches(c, 'node-01', /^1\/2 pods evicted; waiting on pod default\/debug-shell with no controller$/);
  const blocked = await eventRecorded(c, 'node-01', 'EvictionBlocked');
  t.match(blocked.message, /--drain-unmanaged-pods=evict/);
  t.equal(evictions(c, 'debug-shell'), 0, 'never evicted: nothing would recreate it');
  c.sim.store.deletePod('default', 'debug-shell', { gracePeriodSeconds: 0 });
  await drainNoteMatches(c, 'node-01', /^drained: 2 pods evicted$/);
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  assertNoOrphanCordon(t, c.sim);
});

void t.test('--drain-unmanaged-pods=evict evicts a pod with no controller, like kubectl drain --force', async (t) => {
  const c = await startDrainCluster(t, { nodes: 2, flags: ['--drain-unmanaged-pods', 'evict'] });
  c.sim.store.createPod(makePod({ namespace: 'default', name: 'debug-shell', nodeName: 'node-01' }));
  await c.preReboot('node-01'); // granted at once when the drain is quick, else refused with `draining`
  await drainNoteMatches(c, 'node-01', /^drained: 1 pod evicted$/);
  t.equal(evictions(c, 'debug-shell'), 1);
  assertNoOrphanCordon(t, c.sim);
});

void t.test("reboot-manager's own pod on the node is evicted last", async (t) => {
  const c = await startDrainCluster(t, { nodes: 2, flags: ['--own-pod', 'reboot-manager/reboot-manager-7d9f-x2'] });
  const s = c.sim.store;
  s.createPod(makePod({ namespace: 'reboot-manager', name: 'reboot-manager-7d9f-x2', nodeName: 'node-01', owner: { kind: 'ReplicaSet', name: 'reboot-manager-7d9f' } }));
  addReplicaSet(c, 'shop', 'web', ['node-01', 'node-01', 'node-01'], { grace: 60 });
  const deletedFirst: string[] = [];
  let othersWhenOwnEvicted: number | undefined;
  const off = s.onChange((ch) => {
    if (ch.resource !== 'pods') return;
    if (ch.type === 'DELETED' && ch.object.metadata.namespace === 'shop') deletedFirst.push(ch.object.metadata.name ?? '');
    if (ch.object.metadata.name === 'reboot-manager-7d9f-x2' && ch.object.metadata.deletionTimestamp && othersWhenOwnEvicted === undefined) {
      othersWhenOwnEvicted = s.listPods({ namespace: 'shop', nodeName: 'node-01' }).length;
    }
  });
  t.teardown(off);

  const first = c.preReboot('node-01');
  await drainNoteMatches(c, 'node-01', /reboot-manager's own pod goes last/);
  await drainNoteMatches(c, 'node-01', /^drained: 4 pods evicted$/);
  t.equal(othersWhenOwnEvicted, 0, 'every other pod had left the node before our own was evicted');
  t.equal(deletedFirst.length, 3);
  t.equal((await first).status === 200 || (await first).status === 423, true, 'the first pre-reboot was answered');
  assertNoOrphanCordon(t, c.sim);
});

void t.test('pods with the longest grace period are evicted first, so the drain lasts about the longest one', async (t) => {
  const c = await startDrainCluster(t, { nodes: 2, flags: ['--drain-concurrency', '1'] });
  for (const [name, grace] of [['quick', 1], ['slow', 60], ['medium', 5], ['slowest', 120], ['middling', 30]] as const) {
    c.sim.store.createPod(makePod({ namespace: 'shop', name, nodeName: 'node-01', owner: { kind: 'ReplicaSet', name }, terminationGracePeriodSeconds: grace }));
  }
  await c.preReboot('node-01');
  await drainNoteMatches(c, 'node-01', /^drained: 5 pods evicted$/);
  const order = c.sim.requests.list({ subresource: 'eviction' }).map((r) => r.name);
  t.same(order, ['slowest', 'slow', 'middling', 'medium', 'quick'], 'evicted longest grace period first');
  assertNoOrphanCordon(t, c.sim);
});
