// The agent against the real server: the simulated IMDS, the Kubernetes simulator, one agent per node.
import t from 'tap';
import { Annotation } from '../../src/slot/encoding.js';
import { makePod } from '../../src/sim/kube/index.js';
import { agentReaches, startAzureCluster, zincatiGranted } from '../support/azure-cluster.js';
import { assertNoOrphanCordon } from '../support/cordon.js';
import { addPdb, addReplicaSet, drainNoteMatches, evictablePods } from '../support/drain-cluster.js';

void t.test('a Reboot: the server cordons and drains the node; the agent approves only after the grant; the reboot ends the slot', async (t) => {
  const az = await startAzureCluster(t, { nodes: 2 });
  const { c, imds } = az;
  // One pod under a budget that allows no disruption: the drain waits until the service runs elsewhere too.
  addReplicaSet(c, 'shop', 'web', ['node-01']);
  addPdb(c, 'shop', 'web', 'web', 1);
  const phaseAtApproval: (string | undefined)[] = [];
  imds.subscribe((n) => {
    if (n.type === 'approval') phaseAtApproval.push(az.annotation('node-01', Annotation.phase));
  });
  const agent = await az.startAgent('node-01', ['--approve']);
  const id = imds.schedule({ eventType: 'Reboot', resources: ['vmss_1'] });

  await drainNoteMatches(c, 'node-01', /waiting on PodDisruptionBudget shop\/web/);
  t.ok(az.cordonedByUs('node-01'), 'the server cordoned the node');
  t.equal(az.annotation('node-01', Annotation.group), 'azure', "the slot is taken in the agent's own group");
  await agentReaches(agent.agent, () => (agent.agent.stats.lockRefusals.draining ?? 0) >= 2, 'two draining refusals');
  t.same(imds.approvals, [], 'no approval while the node is still draining');
  t.equal(agent.agent.status().phase, 'asking');

  c.sim.store.createPod(makePod({ namespace: 'shop', name: 'web-2', nodeName: 'node-02', owner: { kind: 'ReplicaSet', name: 'web', uid: 'rs-shop-web' }, labels: { app: 'web' } }));
  await imds.waitFor(() => imds.approvals.length === 1, 'the approval');
  t.same(phaseAtApproval, ['drained'], 'approved only once the server had drained the node and granted');
  t.same(imds.approvals, [{ vm: 'vmss_1', eventIds: [id] }]);
  t.same(evictablePods(c, 'node-01'), [], 'nothing evictable was left on the node');
  t.equal(imds.document().Events[0]?.EventStatus, 'Started', 'the approval started the event');

  // The VM reboots: the agent goes down with it, the event leaves the document, the kubelet comes back.
  await agent.close();
  az.rebootVm('node-01');
  imds.complete(id);
  await az.released('node-01');
  t.notOk(c.sim.store.getNode('node-01')?.spec.unschedulable, 'uncordoned on the new boot');
  const after = await az.startAgent('node-01');
  await agentReaches(after.agent, (s) => s.incarnation === imds.incarnation, 'the restarted agent read the document');
  t.equal(after.agent.status().phase, 'idle', 'the agent on the new boot has nothing to do');
  assertNoOrphanCordon(t, c.sim);
});

void t.test('a long Freeze that completes after the grant: steady-state gives the slot back and uncordons, no early approval', async (t) => {
  const az = await startAzureCluster(t, { nodes: 2 });
  const { c, imds } = az;
  addReplicaSet(c, 'shop', 'api', ['node-02']);
  const agent = await az.startAgent('node-02');
  const id = imds.schedule({ eventType: 'Freeze', resources: ['vmss_2'], durationInSeconds: 30 });
  await agentReaches(agent.agent, (s) => s.phase === 'granted', 'the grant');
  t.ok(az.holds('node-02') && az.cordonedByUs('node-02'), 'the node holds the slot, cordoned by us');
  t.same(evictablePods(c, 'node-02'), [], 'drained before the grant');
  t.same(imds.approvals, [], 'approving early is opt-in');

  // At NotBefore the platform freezes the VM (memory kept: the agent lives on) and then drops the event.
  imds.start(id);
  imds.complete(id);
  await agentReaches(agent.agent, (s) => s.phase === 'idle' && agent.agent.stats.steadyStateDone === 1, 'steady-state');
  await az.released('node-02'); // once its kubelet reports after the steady-state
  t.notOk(az.holds('node-02'), 'the slot is free again');
  t.notOk(c.sim.store.getNode('node-02')?.spec.unschedulable, 'uncordoned');
  await zincatiGranted(az, 'node-01');
  t.pass('another node can take the slot now');
});

void t.test('an event cancelled before the grant: the agent sends steady-state, the server withdraws the claim and uncordons', async (t) => {
  const az = await startAzureCluster(t, { nodes: 2 });
  const { c, imds } = az;
  addReplicaSet(c, 'shop', 'web', ['node-01']);
  addPdb(c, 'shop', 'web', 'web', 1);
  const agent = await az.startAgent('node-01');
  const id = imds.schedule({ eventType: 'Redeploy', resources: ['vmss_1'] });
  await drainNoteMatches(c, 'node-01', /waiting on PodDisruptionBudget shop\/web/);
  t.ok(az.cordonedByUs('node-01'));

  imds.cancel(id);
  await agentReaches(agent.agent, (s) => s.phase === 'idle' && agent.agent.stats.steadyStateDone === 1, 'steady-state after the cancellation');
  t.equal(agent.agent.stats.grants, 0, 'never granted');
  t.notOk(az.holds('node-01'), 'the claim is withdrawn');
  t.notOk(c.sim.store.getNode('node-01')?.spec.unschedulable, 'uncordoned');
  t.ok(c.sim.store.getPod('shop', 'web-1'), 'the pod the budget protected stays');
  await zincatiGranted(az, 'node-02');
  t.pass('the slot is free: another node takes it');
  assertNoOrphanCordon(t, c.sim);
});

void t.test('the agent restarting mid-event keeps the one claim: re-asked during the drain and after the grant', async (t) => {
  const az = await startAzureCluster(t, { nodes: 2 });
  const { c, imds } = az;
  addReplicaSet(c, 'shop', 'web', ['node-01']);
  addPdb(c, 'shop', 'web', 'web', 1);
  let agent = await az.startAgent('node-01');
  const id = imds.schedule({ eventType: 'Freeze', resources: ['vmss_1'], durationInSeconds: -1 });
  await drainNoteMatches(c, 'node-01', /waiting on PodDisruptionBudget shop\/web/);
  const claimedAt = az.annotation('node-01', Annotation.claimedAt);

  await agent.close();
  agent = await az.startAgent('node-01');
  await agentReaches(agent.agent, () => (agent.agent.stats.lockRefusals.draining ?? 0) >= 1, 'the restarted agent asks again');
  t.equal(az.annotation('node-01', Annotation.claimedAt), claimedAt, 'the same claim: the drain goes on, not from scratch');

  c.sim.store.createPod(makePod({ namespace: 'shop', name: 'web-2', nodeName: 'node-02', owner: { kind: 'ReplicaSet', name: 'web', uid: 'rs-shop-web' }, labels: { app: 'web' } }));
  await agentReaches(agent.agent, (s) => s.phase === 'granted', 'the grant');
  await agent.close();
  agent = await az.startAgent('node-01');
  await agentReaches(agent.agent, (s) => s.phase === 'granted', 'granted again at once after the restart');
  t.equal(agent.agent.stats.preRebootRequests, 1, 'one pre-reboot: the holder is answered from its state');
  t.equal(az.annotation('node-01', Annotation.claimedAt), claimedAt, 'still the first claim');

  imds.start(id);
  imds.complete(id);
  await agentReaches(agent.agent, (s) => s.phase === 'idle' && agent.agent.stats.steadyStateDone === 1, 'steady-state');
  await az.released('node-01'); // once its kubelet reports after the steady-state
  t.notOk(az.holds('node-01'));
  t.notOk(c.sim.store.getNode('node-01')?.spec.unschedulable, 'uncordoned');
  assertNoOrphanCordon(t, c.sim);
});
