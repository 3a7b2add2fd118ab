import t from 'tap';
import { startCluster } from '../support/cluster.js';

void t.test('steady-state before Ready: 200 at once, the slot is released when the node turns Ready', async (t) => {
  const c = await startCluster(t, { nodes: 2 });
  t.equal((await c.preReboot('node-01')).ok, true);
  c.sim.store.rebootNode('node-01'); // new bootID, NotReady: the kubelet is not back yet
  t.same(await c.steadyState('node-01'), { ok: true, status: 200 });
  t.same(c.holders(), ['node-01'], 'not released while NotReady');
  t.match(await c.preReboot('node-02'), { ok: false, kind: 'slots_full' });

  c.sim.store.setNodeReady('node-01', true);
  // No further client call: the reconciler finishes the release from the watch.
  await c.sim.store.waitFor(() => c.holders().length === 0);
  const node = c.sim.store.getNode('node-01');
  t.equal(node?.metadata.annotations?.['rebootmanager/status'], 'Ready');
  t.same(Object.keys(node?.metadata.annotations ?? {}).filter((k) => k.startsWith('rebootmanager/')).sort(), ['rebootmanager/disturbed', 'rebootmanager/history', 'rebootmanager/released-at', 'rebootmanager/status'], 'the slot annotations are cleared; the release time and what the drain disturbed stay (the health gate reads them), and the history');
  t.same(await c.preReboot('node-02'), { ok: true, status: 200 }, 'the next node gets the slot');
});

void t.test('a node that rebooted and is Ready is released even if its client never calls steady-state', async (t) => {
  const c = await startCluster(t, { nodes: 2 });
  t.equal((await c.preReboot('node-01')).ok, true);
  c.sim.store.rebootNode('node-01');
  c.sim.store.setNodeReady('node-01', true);
  await c.sim.store.waitFor(() => c.holders().length === 0);
  t.same(c.holders(), []);
});

void t.test('a holder that is Ready but has not rebooted keeps its slot', async (t) => {
  const c = await startCluster(t, { nodes: 2 });
  t.equal((await c.preReboot('node-01')).ok, true);
  // A kubelet heartbeat: the node changes, but its bootID does not.
  c.sim.store.setNodeReady('node-01', false);
  c.sim.store.setNodeReady('node-01', true);
  const leader = await c.leader();
  const rv = c.sim.store.getNode('node-01')?.metadata.resourceVersion ?? '';
  await leader.nodes.caughtUp('node-01', rv, 5000);
  await leader.coordinator.reconcile('node-01');
  t.same(c.holders(), ['node-01']);
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
});

void t.test('steady-state from a Ready holder that never rebooted gives the slot back once its kubelet reports after it (an aborted update)', async (t) => {
  const c = await startCluster(t, { nodes: 2 });
  t.equal((await c.preReboot('node-01')).ok, true);
  t.same(await c.steadyState('node-01'), { ok: true, status: 200 });
  t.same(c.holders(), ['node-01'], 'a Ready from before the request is no evidence: the node may have rebooted faster than it was marked NotReady');
  c.kubeletReports('node-01');
  await c.sim.store.waitFor(() => c.holders().length === 0);
  t.same(c.holders(), []);
  t.same(await c.preReboot('node-02'), { ok: true, status: 200 });
});

void t.test('a Node deleted while holding a slot frees it', async (t) => {
  const c = await startCluster(t, { nodes: 2 });
  t.equal((await c.preReboot('node-01')).ok, true);
  c.sim.store.deleteNode('node-01');
  const leader = await c.leader();
  await leader.nodes.caughtUp('node-02', c.sim.store.getNode('node-02')?.metadata.resourceVersion ?? '', 5000);
  await c.sim.store.waitFor(() => leader.nodes.get('node-01') === undefined);
  t.same(await c.preReboot('node-02'), { ok: true, status: 200 });
});

void t.test('restart mid-cycle: a new server rebuilds every slot from the API', async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  t.equal((await c.preReboot('node-01')).ok, true);
  const first = c.servers[0];
  await first?.close();
  c.servers = [];
  await c.startReplica('replica-0');
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 }, 'the holder is still granted');
  t.match(await c.preReboot('node-02'), { ok: false, kind: 'slots_full', value: /node-01/ });
  c.sim.store.rebootNode('node-01');
  c.sim.store.setNodeReady('node-01', true);
  await c.sim.store.waitFor(() => c.holders().length === 0);
  t.same(await c.preReboot('node-02'), { ok: true, status: 200 });
});

void t.test('leader failover mid-cycle: the next leader serves the same slots', async (t) => {
  const c = await startCluster(t, { nodes: 3, replicas: 2 });
  const first = await c.leader();
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  await first.close(); // hands the Lease over
  c.servers = c.servers.filter((s) => s !== first);
  const next = await c.leader();
  t.not(next, first);
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 }, 'the holder is still granted');
  t.match(await c.preReboot('node-02'), { ok: false, kind: 'slots_full' });
  c.sim.store.rebootNode('node-01');
  c.sim.store.setNodeReady('node-01', true);
  await c.sim.store.waitFor(() => c.holders().length === 0);
  t.same(await c.preReboot('node-02'), { ok: true, status: 200 });
});

void t.test('steady-state from another group than the slot was taken in keeps the slot (two clients share a node id)', async (t) => {
  const c = await startCluster(t, { nodes: 2 });
  t.same(await c.preReboot('node-01', 'default'), { ok: true, status: 200 });
  t.same(await c.steadyState('node-01', 'azure'), { ok: true, status: 200 });
  t.same(c.holders(), ['node-01'], 'the Azure agent finishing an event does not end Zincati\'s slot');
  t.same(await c.steadyState('node-01', 'default'), { ok: true, status: 200 });
  c.kubeletReports('node-01');
  await c.sim.store.waitFor(() => c.holders().length === 0);
  t.same(c.holders(), []);
});
