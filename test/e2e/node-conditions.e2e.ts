// KEP-5683 lifecycle conditions on a real API server: set while a node reboots and cleared after, next to the
// conditions of its kubelet (kwok) and of an admin, which reboot-manager never writes.
import t from 'tap';
import type { FakeNode } from '../../kit/nodes.js';
import { createKubeApi } from '../../src/kube/rest-api.js';
import type { NodeObject } from '../../src/sim/kube/index.js';
import { startE2eCluster } from './support/e2e-cluster.js';
import { preRebootUntilGranted, zincati } from './support/fleetlock.js';
import { NodeFeed } from './support/node-feed.js';
import { leaderOf, startReplica } from './support/replicas.js';

const LIFECYCLE = new Set(['MaintenancePlanned', 'MaintenanceInProgress', 'DrainInProgress', 'Drained']);
type Condition = NonNullable<NodeObject['status']['conditions']>[number];

const conditions = (n: NodeObject | undefined): Condition[] => n?.status.conditions ?? [];
const ours = (n: NodeObject | undefined): Condition[] => conditions(n).filter((c) => LIFECYCLE.has(c.type)).sort((a, b) => a.type.localeCompare(b.type));
const says = (n: NodeObject, type: string, status: string, reason?: string): boolean => conditions(n).some((c) => c.type === type && c.status === status && (reason === undefined || c.reason === reason));
const heartbeatOf = (n: NodeObject | undefined): string | undefined => conditions(n).find((c) => c.type === 'Ready')?.lastHeartbeatTime;

void t.test("lifecycle conditions follow a reboot on a real cluster; kwok's and an admin's conditions stay as they were", async (t) => {
  const cluster = await startE2eCluster(t, { nodes: 2 });
  const { plane } = cluster;
  const [n1, n2] = cluster.nodes as [FakeNode, FakeNode];
  // An admin announces maintenance on node-02 with kubectl: someone else's condition.
  const theirs = { type: 'MaintenancePlanned', status: 'True', reason: 'AdminRequested', message: 'disk swap on Tuesday' };
  await plane.kubectl(['patch', 'node', n2.name, '--subresource=status', '--type=strategic', '-p', JSON.stringify({ status: { conditions: [theirs] } })]);

  const feed = await NodeFeed.start(createKubeApi(plane.adminKubeconfig));
  t.teardown(() => feed.stop());
  const states: NodeObject[] = [];
  feed.onChange(({ object }) => void ((object as NodeObject).metadata.name === n1.name && states.push(object as NodeObject)));
  const n2Before = feed.get(n2.name);
  const adminsBefore = conditions(n2Before).find((c) => c.type === 'MaintenancePlanned');

  const replica = await startReplica(t, cluster, 'replica-a');
  await leaderOf([replica]);
  const z1 = zincati(replica.url, n1);
  t.teardown(() => z1.close());
  await preRebootUntilGranted(z1);
  const granted = await feed.until(n1.name, (n) => says(n, 'MaintenanceInProgress', 'True', 'RebootRequested') && says(n, 'Drained', 'True', 'DrainCompleted'));
  t.ok(says(granted, 'MaintenancePlanned', 'True', 'RebootRequested'), 'granted: planned, drained, in progress');
  t.match(conditions(granted).find((c) => c.type === 'MaintenancePlanned')?.message, /^reboot slot held by FleetLock id [0-9a-f]{32} in group default since /);

  // kwok posts its heartbeat: ours stay exactly as written, times included.
  const beat = await feed.until(n1.name, (n) => heartbeatOf(n) !== heartbeatOf(granted));
  t.same(ours(beat), ours(granted), "kwok's heartbeat leaves the lifecycle conditions as they were");

  await cluster.reboots.powerOff(n1.name);
  await cluster.reboots.powerOn(n1.name);
  t.ok((await z1.steadyState()).ok, 'steady-state on the new boot');
  const released = await feed.until(n1.name, (n) => ours(n).length > 0 && ours(n).every((c) => c.status === 'False' && c.reason === 'MaintenanceCompleted'));
  t.ok(says(released, 'Ready', 'True', 'KubeletReady'), 'Ready again, in the words of its kubelet');

  // Every stored state of node-01, in order: MaintenancePlanned came first, and the stages never went back.
  const stage = (n: NodeObject): number => (says(n, 'MaintenanceInProgress', 'True') ? 3 : says(n, 'Drained', 'True') ? 2 : says(n, 'MaintenancePlanned', 'True') ? 1 : ours(n).length > 0 ? 4 : 0);
  const stages = states.map(stage).filter((s, i, all) => i === 0 || s !== all[i - 1]);
  t.ok(stages.every((s, i) => i === 0 || s > (stages[i - 1] ?? 0)) && stages.includes(3) && stages.at(-1) === 4, `planned, drained, in progress, released, in order: ${stages.join(' ')}`);
  t.ok(says(states.find((n) => ours(n).length > 0) ?? granted, 'MaintenancePlanned', 'True'), 'the first write says MaintenancePlanned');
  const kubeletReasons = new Set(states.flatMap((n) => conditions(n).filter((c) => !LIFECYCLE.has(c.type)).map((c) => c.reason)));
  t.same([...kubeletReasons].filter((r) => !/^Kubelet|^RouteCreated$|^NodeStatusUnknown$/.test(r ?? '')), [], `the other conditions only ever said what kwok (or the node controller) says: ${[...kubeletReasons].join(', ')}`);
  // kwok keeps posting node-02's heartbeat (a condition without times once broke its patch), and leaves the admin's alone.
  const n2Later = await feed.until(n2.name, (n) => heartbeatOf(n) !== heartbeatOf(n2Before));
  t.same(conditions(n2Later).find((c) => c.type === 'MaintenancePlanned'), adminsBefore, "the admin's condition on node-02 is as written");
  t.same(ours(n2Later).length, 1, 'and reboot-manager added none next to it');
  t.same(feed.errors, [], 'the node watch saw every change');
});
