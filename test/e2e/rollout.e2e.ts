// A fleet of Zincati-like clients rolls an update through a real cluster running applications under
// PodDisruptionBudgets: evictions answered by the disruption controller, replacements placed by the scheduler.
import t from 'tap';
import { createKubeApi } from '../../src/kube/rest-api.js';
import { Annotation } from '../../src/slot/encoding.js';
import { Fleet } from '../../src/sim/fleet/fleet.js';
import { HolderWatch, holdsSlot } from '../../src/sim/fleet/holder-watch.js';
import type { NodeObject } from '../../src/sim/kube/index.js';
import { nodeName, startE2eCluster } from './support/e2e-cluster.js';
import { kwokHost } from './support/kwok-host.js';
import { NodeFeed } from './support/node-feed.js';
import { leaderOf, startReplica } from './support/replicas.js';
import { deployWorkloads, podsThatMustLeave, workloadsHealthy } from './support/workloads.js';
import { pollUntil } from '../../kit/poll.js';

const NODES = 6;
const BUDGET = 2;

void t.test('an update rolls through six nodes, two at a time, without breaking a budget', async (t) => {
  const cluster = await startE2eCluster(t, { nodes: NODES });
  const { plane } = cluster;
  const admin = plane.admin;
  await deployWorkloads(admin);
  await pollUntil('the applications Ready and their budgets computed', () => workloadsHealthy(admin));

  // An operator cordoned this node for their own reasons before the rollout: it must stay cordoned.
  const adminCordoned = nodeName(NODES - 1);
  await plane.kubectl(['cordon', adminCordoned]);

  const feed = await NodeFeed.start(createKubeApi(plane.adminKubeconfig));
  t.teardown(() => feed.stop());
  const holders = new HolderWatch(feed);
  const releasedOnOldBoot: string[] = [];
  feed.onChange(({ object, old }) => {
    const node = object as NodeObject;
    if (old && holdsSlot(old) && !holdsSlot(node) && node.status.nodeInfo?.bootID === old.metadata.annotations?.[Annotation.bootId]) {
      releasedOnOldBoot.push(node.metadata.name ?? '');
    }
  });

  const replica = await startReplica(t, cluster, 'replica-a', ['--max-rebooting', String(BUDGET), '--slots-per-group', String(BUDGET)]);
  await leaderOf([replica]);

  const grantedWithPods: string[] = [];
  const checks: Promise<void>[] = [];
  const fleet = new Fleet({
    baseUrl: replica.url,
    host: kwokHost(cluster.reboots),
    members: cluster.nodes.map((n) => ({ name: n.name, machineId: n.machineId, address: n.address })),
    timeScale: 1,
    seed: 9,
    tickMs: 1000,
    bootMs: 2000,
    onEvent: (event) => {
      if (event.type !== 'pre-reboot' || !event.result.ok) return;
      // Zincati reboots the moment it reads 200: the node must already be empty of pods that must leave.
      checks.push(podsThatMustLeave(admin, event.node).then((left) => {
        if (left.length > 0) grantedWithPods.push(`${event.node}: ${left.join(', ')}`);
      }));
    },
  });
  t.teardown(() => fleet.stop());
  fleet.start();
  fleet.stageUpdates();
  const report = await fleet.whenUpdated();
  await Promise.all(checks);
  await cluster.reboots.settled();

  t.equal(report.errors, 0, `no client saw an unexpected answer: ${JSON.stringify(report.nodes.flatMap((n) => n.errors))}`);
  t.ok(report.nodes.every((n) => n.rebootedAt !== undefined), 'every node rebooted');
  t.ok(holders.max <= BUDGET, `never more than ${BUDGET} nodes held a slot at once (most seen: ${holders.max})`);
  t.ok(holders.max >= 2, 'the budget was used: two nodes were out at once at some point');
  t.same(grantedWithPods, [], 'a pre-reboot was answered 200 only once the node was drained');
  t.same(releasedOnOldBoot, [], 'every slot was released only after the node came back with a new bootID');
  await pollUntil('every slot released', async () => feed.listNodes().every((n) => !holdsSlot(n)));
  const cordoned = feed.listNodes().filter((n) => n.spec.unschedulable).map((n) => n.metadata.name);
  t.same(cordoned, [adminCordoned], 'nodes reboot-manager cordoned are uncordoned; the admin\'s cordon is kept');
  await pollUntil('the applications whole again', () => workloadsHealthy(admin));
  t.same(cluster.reboots.errors, [], 'every reboot step reached the API');
  t.same(feed.errors, [], 'the node watch saw every change');
});
