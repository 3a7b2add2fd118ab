// The Azure scheduled-events agent on a real cluster: `reboot-manager imds-agent` as one process per node
// against the simulated Instance Metadata Service, the real `serve`, real evictions under PodDisruptionBudgets.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import type { FakeNode } from '../../kit/nodes.js';
import { freePort } from '../../kit/ports.js';
import { supervise, type SupervisedProcess } from '../../kit/process.js';
import { FleetLockClient } from '../../src/fleetlock/client.js';
import { zincatiId } from '../../src/identity/app-specific-id.js';
import { createKubeApi } from '../../src/kube/rest-api.js';
import { Annotation } from '../../src/slot/encoding.js';
import { HolderWatch, holdsSlot } from '../../src/sim/fleet/holder-watch.js';
import { SimulatedImds } from '../../src/sim/imds/index.js';
import { NAMESPACE, REPO, startE2eCluster, type E2eCluster } from './support/e2e-cluster.js';
import { preRebootUntilGranted, zincati } from './support/fleetlock.js';
import { metric } from './support/metrics.js';
import { NodeFeed } from './support/node-feed.js';
import { leaderOf, startReplica } from './support/replicas.js';
import { deployWorkloads, podsThatMustLeave, workloadsHealthy } from './support/workloads.js';
import { pollUntil } from '../../kit/poll.js';

const vmOf = (node: string): string => `vmss_${Number(node.replace(/^node-/, ''))}`;

/** What the DaemonSet would run on each node, as processes: the node's machine-id in a file, metrics on loopback. */
class AgentProcesses {
  private readonly running = new Map<string, { proc: SupervisedProcess; metrics: string }>();

  constructor(private readonly t: Test, private readonly cluster: E2eCluster, private readonly serverUrl: string, private readonly imds: SimulatedImds) {}

  /** Starts the agent of `node`'s VM, sending from its DaemonSet pod's IP, and resolves once it has read the scheduled events once. */
  async start(node: FakeNode): Promise<void> {
    const dir = this.cluster.plane.dir;
    const podIp = await agentPodIp(this.cluster, node.name);
    const machineIdFile = join(dir, `${node.name}.machine-id`);
    writeFileSync(machineIdFile, `${node.machineId}\n`);
    const port = await freePort();
    const proc = supervise(`imds-agent-${node.name}`, join(dir, 'logs', `imds-agent-${node.name}.log`), process.execPath, [
      join(REPO, 'dist/src/cli/main.js'), 'imds-agent', '--server', `${this.serverUrl}/`, '--imds-url', this.imds.urlFor(vmOf(node.name)),
      '--machine-id-file', machineIdFile, '--metrics-listen', `127.0.0.1:${port}`,
      '--poll-interval', '500ms', '--retry-interval', '500ms', '--approve', '--source-address', podIp,
    ]);
    this.t.teardown(() => proc.stop());
    const metrics = `http://127.0.0.1:${port}/metrics`;
    this.running.set(node.name, { proc, metrics });
    await pollUntil(`the agent of ${node.name} polling IMDS`, async () => (await this.metric(node.name, 'imds_polls_total').catch(() => 0)) >= 1);
  }

  /** The VM goes down or away, and its agent with it. */
  async stop(node: string): Promise<void> {
    await this.running.get(node)?.proc.stop();
    this.running.delete(node);
  }

  async metric(node: string, name: string, labels: Record<string, string> = {}): Promise<number> {
    const agent = this.running.get(node);
    if (!agent) throw new Error(`no agent runs on ${node}`);
    return (await metric(agent.metrics, `reboot_manager_agent_${name}`, labels)) ?? 0;
  }
}

/** The IP the real API reports for the imds-agent DaemonSet's pod on `node` (kwok hands out loopback pod IPs). */
async function agentPodIp(cluster: E2eCluster, node: string): Promise<string> {
  const pods = await cluster.plane.admin.ok<{ items: { status?: { podIP?: string } }[] }>(
    'GET', `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app.kubernetes.io%2Fname%3Dreboot-manager-imds-agent&fieldSelector=spec.nodeName%3D${node}`,
  );
  const ip = pods.items[0]?.status?.podIP;
  if (pods.items.length !== 1 || !ip) throw new Error(`expected one imds-agent pod with an IP on ${node}, got ${JSON.stringify(pods.items.map((p) => p.status))}`);
  return ip;
}

/** Resolves once an agent approves `eventId` (StartRequests), with the pods that were still on `node` at that moment. */
function approvalOf(imds: SimulatedImds, eventId: string, check: () => Promise<string[]>): Promise<string[]> {
  return new Promise((resolve) => {
    const off = imds.subscribe((n) => {
      if (n.type !== 'approval' || !n.approval.eventIds.includes(eventId)) return;
      off();
      resolve(check());
    });
  });
}

void t.test('Azure events: a Reboot waits for the drain and the slot; a Preempt is drained even with the budget full', async (t) => {
  const cluster = await startE2eCluster(t, { nodes: 4, overlay: 'azure' });
  const { plane, nodes } = cluster;
  const admin = plane.admin;
  const [n1, n2, n3, n4] = nodes as [FakeNode, FakeNode, FakeNode, FakeNode];

  // The overlay's DaemonSet was accepted by the real API server; its controller placed a pod on every node.
  await pollUntil('an imds-agent pod on every node', async () => {
    const ds = await admin.ok<{ status?: { desiredNumberScheduled?: number; numberReady?: number } }>('GET', `/apis/apps/v1/namespaces/${NAMESPACE}/daemonsets/reboot-manager-imds-agent`);
    return ds.status?.desiredNumberScheduled === nodes.length && ds.status.numberReady === nodes.length;
  });
  await deployWorkloads(admin, { web: 4, db: 3 });
  await pollUntil('the applications Ready and their budgets computed', () => workloadsHealthy(admin));

  const feed = await NodeFeed.start(createKubeApi(plane.adminKubeconfig));
  t.teardown(() => feed.stop());
  const holders = new HolderWatch(feed, { urgentGroups: new Set(['azure-urgent']) });
  // The overlay's setting, passed as the Deployment would: one slot in the cluster, azure-urgent drained regardless.
  const replica = await startReplica(t, cluster, 'replica-a', ['--urgent-groups', 'azure-urgent']);
  await leaderOf([replica]);
  const imds = await SimulatedImds.start({ vmName: 'vmss_0', vmScaleSetName: 'vmss' });
  t.teardown(() => imds.close());
  // The caller check on the real API: the server knows each agent pod's IP from its watch of the DaemonSet's pods.
  const podOfN2 = await agentPodIp(cluster, n2.name);
  t.not(podOfN2, n2.address, "the agent pod's IP is not its node's address");
  const fromWrongPod = new FleetLockClient({ baseUrl: `${replica.url}/`, id: zincatiId(n1.machineId), group: 'azure', localAddress: podOfN2 });
  t.teardown(() => fromWrongPod.close());
  t.match(await fromWrongPod.preReboot(), { status: 403, kind: 'forbidden' }, "node-02's agent pod cannot ask for node-01");
  t.equal(holders.current.length, 0, 'and nothing was claimed');

  const agents = new AgentProcesses(t, cluster, replica.url, imds);
  for (const node of nodes) await agents.start(node);

  // --- A Reboot for node-01's VM, 15 minutes' notice.
  const onNode1 = await podsThatMustLeave(admin, n1.name);
  t.ok(onNode1.length > 0, `node-01 runs application pods before the event (${onNode1.join(', ')})`);
  const bootBefore = feed.get(n1.name)?.status.nodeInfo?.bootID;
  const reboot = imds.schedule({ eventType: 'Reboot', resources: [vmOf(n1.name)] });
  const leftAtApproval = approvalOf(imds, reboot, () => podsThatMustLeave(admin, n1.name));
  const claimed = await feed.until(n1.name, holdsSlot);
  t.equal(claimed.metadata.annotations?.[Annotation.group], 'azure', "the agent asked in its own group");
  t.same(await leftAtApproval, [], 'the agent approved the event only once no pod that must leave was on the node');
  t.equal(await agents.metric(n1.name, 'grants_total'), 1, 'the agent was granted the slot once');
  const evicted = await metric(`${replica.internalUrl}/metrics`, 'reboot_manager_evictions_total', { result: 'evicted' });
  t.ok((evicted ?? 0) >= onNode1.length, `the pods left through Evictions (${evicted} for ${onNode1.join(', ')})`);
  const daemonPods = await admin.ok<{ items: unknown[] }>('GET', `/api/v1/namespaces/${NAMESPACE}/pods?fieldSelector=spec.nodeName%3D${n1.name}`);
  t.equal(daemonPods.items.length, 1, "the node's own imds-agent DaemonSet pod was left in place");
  t.equal(imds.document().Events.find((e) => e.EventId === reboot)?.EventStatus, 'Started', 'the approval started the event');
  const reasons = await plane.kubectl(['get', 'events', '-n', 'default', '--field-selector', `involvedObject.name=${n1.name}`, '-o', 'jsonpath={.items[*].reason}']);
  const told = reasons.stdout.split(' ');
  t.same(['RebootSlotClaimed', 'Cordoned', 'Evicting', 'Drained', 'RebootGranted'].filter((r) => !told.includes(r)), [], 'the drain is told in Events on the Node');

  // The platform reboots the VM: the agent goes down with it, the event leaves the document, the VM boots.
  await agents.stop(n1.name);
  await cluster.reboots.powerOff(n1.name);
  imds.complete(reboot);
  await cluster.reboots.powerOn(n1.name);
  await agents.start(n1);
  await pollUntil('the agent on the new boot gave the slot back', async () => (await agents.metric(n1.name, 'steady_state_accepted_total')) >= 1);
  const back = await feed.until(n1.name, (n) => !holdsSlot(n));
  t.not(back.status.nodeInfo?.bootID, bootBefore, 'released on the new boot');
  t.notOk(back.spec.unschedulable, 'uncordoned: reboot-manager had cordoned it');
  t.same(cluster.reboots.errors, []);
  await pollUntil('the applications whole again', () => workloadsHealthy(admin));

  // --- Zincati on node-02 takes the cluster's only slot for an OS update, and holds it (drained, not rebooted yet).
  const z2 = zincati(replica.url, n2);
  t.teardown(() => z2.close());
  await preRebootUntilGranted(z2);
  // An ordinary Reboot for node-04 waits for a slot; a Preempt of node-03's Spot VM (30 s notice) cannot wait.
  const waiting = imds.schedule({ eventType: 'Reboot', resources: [vmOf(n4.name)] });
  await pollUntil('node-04 told the budget is full', async () => (await agents.metric(n4.name, 'refusals_total', { kind: 'slots_full' })) >= 1);
  const preempt = imds.schedule({ eventType: 'Preempt', resources: [vmOf(n3.name)] });
  const leftAtPreempt = approvalOf(imds, preempt, () => podsThatMustLeave(admin, n3.name));
  t.same(await leftAtPreempt, [], 'the preempted node was drained before its agent approved');
  const urgent = feed.get(n3.name);
  t.ok(holdsSlot(urgent) && urgent?.metadata.annotations?.[Annotation.group] === 'azure-urgent', 'node-03 holds a slot in azure-urgent');
  t.same(holders.current, [n2.name, n3.name], 'over the budget of one only through the urgent group');
  t.notOk(holdsSlot(feed.get(n4.name)), 'the ordinary Reboot still waits');

  // The Spot VM is gone: its Node is deleted, which frees its slot. The platform calls node-04's Reboot off.
  await agents.stop(n3.name);
  await plane.kubectl(['delete', 'node', n3.name, '--wait=true']);
  imds.complete(preempt);
  imds.cancel(waiting);
  await pollUntil('node-03 gone from the holders', async () => feed.get(n3.name) === undefined && holders.current.join() === n2.name);
  await pollUntil('node-04 gave back what it asked for', async () => (await agents.metric(n4.name, 'steady_state_accepted_total')) >= 1);
  t.equal((await metric(`${replica.internalUrl}/metrics`, 'reboot_manager_releases_total', { reason: 'node_deleted' })) ?? 0, 1, 'the deleted Node freed its slot');

  // node-02 reboots for its update and says steady-state on the new boot.
  await cluster.reboots.powerOff(n2.name);
  await cluster.reboots.powerOn(n2.name);
  t.ok((await z2.steadyState()).ok, 'steady-state 200');
  await feed.until(n2.name, (n) => !holdsSlot(n));

  t.equal(holders.maxNonUrgent, 1, 'never more than one node held an ordinary slot');
  t.equal(holders.maxWithoutUrgent, 1, 'without an urgent holder, never more than the budget');
  t.same(feed.listNodes().filter((n) => holdsSlot(n) || n.spec.unschedulable).map((n) => n.metadata.name), [], 'every slot released, no cordon left');
  t.equal(imds.approvals.length, 2, 'two approvals: the Reboot and the Preempt, each after its grant');
  t.same(imds.document().Events, [], 'no event left');
  t.same(cluster.reboots.errors, []);
  t.same(feed.errors, [], 'the node watch saw every change');
});
