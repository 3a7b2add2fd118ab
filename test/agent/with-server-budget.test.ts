// The agent shares the reboot budget with Zincati on the real server: the urgent path, and exact VM matching.
import t from 'tap';
import { Annotation } from '../../src/slot/encoding.js';
import { agentReaches, startAzureCluster, zincatiGranted } from '../support/azure-cluster.js';
import { assertNoOrphanCordon } from '../support/cordon.js';
import { addReplicaSet, evictablePods } from '../support/drain-cluster.js';

void t.test('a Preempt while Zincati holds the only slot is drained and granted anyway; nobody else goes until both are gone', async (t) => {
  const az = await startAzureCluster(t, { nodes: 3 });
  const { c, imds } = az;
  await zincatiGranted(az, 'node-01');
  t.same(c.holders(), ['node-01'], "Zincati's node holds the only slot (--max-rebooting 1)");
  addReplicaSet(c, 'shop', 'api', ['node-02']);
  const spot = await az.startAgent('node-02');
  const other = await az.startAgent('node-03');

  const preempt = imds.schedule({ eventType: 'Preempt', resources: ['vmss_2'] });
  await agentReaches(spot.agent, (s) => s.phase === 'granted', 'the urgent grant');
  t.equal(az.annotation('node-02', Annotation.group), 'azure-urgent', 'asked in the urgent group');
  t.ok(az.cordonedByUs('node-02'), 'cordoned');
  t.same(evictablePods(c, 'node-02'), [], 'and drained before the grant');
  t.same(c.holders(), ['node-01', 'node-02'], 'the urgent holder counts against the budget');

  const zincati = await c.preReboot('node-03');
  t.match(zincati, { ok: false, status: 423, kind: 'slots_full' }, 'Zincati elsewhere waits');
  const reboot = imds.schedule({ eventType: 'Reboot', resources: ['vmss_3'] });
  await agentReaches(other.agent, () => (other.agent.stats.lockRefusals.slots_full ?? 0) >= 1, 'an ordinary Azure event elsewhere is refused');

  // The platform takes the Spot VM: its agent goes with it, and the Node is deleted.
  imds.start(preempt);
  await spot.close();
  c.sim.store.deleteNode('node-02');
  imds.complete(preempt);
  await az.c.sim.store.waitFor(() => !c.holders().includes('node-02'), { description: 'node-02 gone' });
  const refusalsBefore = other.agent.stats.lockRefusals.slots_full ?? 0;
  await agentReaches(other.agent, () => (other.agent.stats.lockRefusals.slots_full ?? 0) > refusalsBefore, 'refused again');
  t.same(c.holders(), ['node-01'], 'the Zincati slot still counts: the Azure node still waits');

  az.rebootVm('node-01');
  await az.released('node-01');
  await agentReaches(other.agent, (s) => s.phase === 'granted', 'the Azure node gets the freed slot');
  t.same(c.holders(), ['node-03']);
  az.rebootVm('node-03');
  imds.complete(reboot);
  await az.released('node-03');
  assertNoOrphanCordon(t, c.sim);
});

void t.test('a Zincati slot and an Azure event on the same node: neither gives back the other\'s slot', async (t) => {
  const az = await startAzureCluster(t, { nodes: 2 });
  const { c, imds } = az;
  await zincatiGranted(az, 'node-01');
  const agent = await az.startAgent('node-01');
  const id = imds.schedule({ eventType: 'Freeze', resources: ['vmss_1'], durationInSeconds: 60 });
  await agentReaches(agent.agent, (s) => s.phase === 'granted', 'the agent is answered from the slot Zincati holds');
  imds.cancel(id);
  await agentReaches(agent.agent, (s) => s.phase === 'idle' && agent.agent.stats.steadyStateDone === 1, "the agent's steady-state");
  t.equal(az.annotation('node-01', Annotation.group), 'default', "the agent's steady-state (group azure) leaves Zincati's slot alone");
  t.ok(az.holds('node-01') && az.cordonedByUs('node-01'), 'still held and cordoned for the update');
  az.rebootVm('node-01');
  await az.released('node-01');
  assertNoOrphanCordon(t, c.sim);
});

void t.test('vmss_1 and vmss_10 in one scale set: only the VM named in Resources asks', async (t) => {
  const az = await startAzureCluster(t, { nodes: 10 });
  const { c, imds } = az;
  t.equal(az.vmOf('node-10'), 'vmss_10');
  const one = await az.startAgent('node-01');
  const ten = await az.startAgent('node-10');
  const id = imds.schedule({ eventType: 'Redeploy', resources: ['vmss_10'] });
  await agentReaches(ten.agent, (s) => s.phase === 'granted', 'vmss_10 granted');
  await agentReaches(one.agent, (s) => s.incarnation === imds.incarnation, 'vmss_1 read the same document');
  t.same(one.agent.status().pending, [], 'vmss_1 has nothing to do');
  t.equal(one.agent.stats.preRebootRequests, 0, 'vmss_1 never asked');
  t.same(c.holders(), ['node-10'], 'only node-10 holds a slot');
  t.notOk(c.sim.store.getNode('node-01')?.spec.unschedulable, 'node-01 is not cordoned');

  az.rebootVm('node-10');
  imds.complete(id);
  await az.released('node-10');
  assertNoOrphanCordon(t, c.sim);
});
