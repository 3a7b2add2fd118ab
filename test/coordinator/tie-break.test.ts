import t from 'tap';
import { startCluster } from '../support/cluster.js';

// Split brain, staged: another writer claims node-01 while this replica's watch is down, so our
// pre-check cannot see it. The re-read after our own claim must catch it and withdraw.
void t.test('a claim that loses the tie-break to an unseen claim withdraws and is refused', async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  // A decision first: a new leader's first one relists, which would see the other claim before ours.
  await (await c.leader()).coordinator.enforceBudget();
  // Nodes, imds-agent pods, the RebootPolicy and MaintenanceRequests (the test cluster turns the health gate and its watches off): every watch is open.
  await c.sim.store.waitFor(() => c.sim.openWatches() >= 4);
  const watchDown = c.sim.faults.inject({ verb: 'watch', resource: 'nodes', status: 500 });
  t.ok(c.sim.faults.dropWatches('nodes') >= 1, 'the replica was watching nodes');
  c.sim.store.updateNode('node-01', (n) => {
    n.metadata.annotations = { ...n.metadata.annotations, 'rebootmanager/status': 'Rebooting', 'rebootmanager/group': 'default', 'rebootmanager/phase': 'claimed' };
  });

  const answer = (await c.client('node-02')).preReboot();
  // Our claim reaches the API; only then may the watch come back and show both claims.
  await c.sim.store.waitFor(() => c.sim.store.getNode('node-02')?.metadata.annotations?.['rebootmanager/status'] === 'Rebooting');
  watchDown.remove();

  t.match(await answer, { ok: false, status: 423, kind: 'slots_full', value: /node-01/ });
  t.same(c.holders(), ['node-01'], 'the alphabetically first claim keeps the slot, ours is withdrawn');
  t.equal(c.sim.store.getNode('node-02')?.metadata.annotations?.['rebootmanager/status'], 'Ready');
});

void t.test('a drained holder keeps its slot against an alphabetically earlier claim', async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  t.same(await c.preReboot('node-02'), { ok: true, status: 200 });
  const watchDown = c.sim.faults.inject({ verb: 'watch', resource: 'nodes', status: 500 });
  c.sim.faults.dropWatches('nodes');
  // Another writer claims node-01 behind our back; then the sweep finds two holders.
  c.sim.store.updateNode('node-01', (n) => {
    n.metadata.annotations = { ...n.metadata.annotations, 'rebootmanager/status': 'Rebooting', 'rebootmanager/group': 'default', 'rebootmanager/phase': 'claimed' };
  });
  watchDown.remove();
  const leader = await c.leader();
  await leader.nodes.caughtUp('node-01', c.sim.store.getNode('node-01')?.metadata.resourceVersion ?? '', 10_000);
  await leader.coordinator.enforceBudget();
  t.same(c.holders(), ['node-02'], 'the node already told to reboot is never the one to withdraw');
});
