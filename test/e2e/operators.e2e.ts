// The tools operators use alongside reboot-manager, on a real cluster: kubectl drain, cordon and get nodes,
// and reboot-manager's own status and release commands run with the operator's kubeconfig.
import t from 'tap';
import type { FakeNode } from '../../kit/nodes.js';
import { createKubeApi } from '../../src/kube/rest-api.js';
import { Annotation } from '../../src/slot/encoding.js';
import { holdsSlot } from '../../src/sim/fleet/holder-watch.js';
import type { StatusRow } from '../../src/status/rows.js';
import { startE2eCluster } from './support/e2e-cluster.js';
import { preRebootUntilGranted, refusal, zincati } from './support/fleetlock.js';
import { metric } from './support/metrics.js';
import { NodeFeed } from './support/node-feed.js';
import { rebootManager } from './support/operator-cli.js';
import { leaderOf, startReplica } from './support/replicas.js';
import { deployWorkloads, podsThatMustLeave, workloadsHealthy } from './support/workloads.js';
import { pollUntil } from '../../kit/poll.js';

void t.test("an admin's kubectl drain is kept; an operator finds a holder that never came back and releases it", async (t) => {
  const cluster = await startE2eCluster(t, { nodes: 4 });
  const { plane, nodes } = cluster;
  const admin = plane.admin;
  const [n1, n2, n3] = nodes as [FakeNode, FakeNode, FakeNode];
  await deployWorkloads(admin, { web: 4, db: 3 });
  await pollUntil('the applications Ready and their budgets computed', () => workloadsHealthy(admin));
  const feed = await NodeFeed.start(createKubeApi(plane.adminKubeconfig));
  t.teardown(() => feed.stop());
  // A node released by hand that never came back holds the health gate until its timeout: 5 s here, 10 min by default.
  const replica = await startReplica(t, cluster, 'replica-a', ['--stale-after', '5s', '--health-gate-timeout', '5s']);
  await leaderOf([replica]);
  const operator = (args: readonly string[]): Promise<string> => rebootManager(plane.adminKubeconfig, args);
  /** The node's line in `kubectl get nodes`: NAME STATUS ROLES AGE VERSION. */
  const kubectlStatus = async (node: string): Promise<string> => (await plane.kubectl(['get', 'node', node, '--no-headers'])).stdout.split(/\s+/)[1] ?? '';

  // --- An admin drains node-02 with kubectl (evictions, retried on 429 while the budgets allow none).
  await plane.kubectl(['drain', n2.name, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=180s']);
  t.same(await podsThatMustLeave(admin, n2.name), [], 'kubectl drain emptied the node');
  // Zincati on node-02 then asks for its reboot: there is nothing left to drain.
  const z2 = zincati(replica.url, n2);
  t.teardown(() => z2.close());
  await preRebootUntilGranted(z2);
  const held = feed.get(n2.name);
  t.ok(holdsSlot(held), 'node-02 holds the slot');
  t.not(held?.metadata.annotations?.[Annotation.cordoned], 'true', 'reboot-manager did not cordon it: the admin had');
  t.equal(await kubectlStatus(n2.name), 'Ready,SchedulingDisabled', 'kubectl get nodes shows the holder SchedulingDisabled');
  await cluster.reboots.powerOff(n2.name);
  await cluster.reboots.powerOn(n2.name);
  t.ok((await z2.steadyState()).ok, 'steady-state 200 on the new boot');
  const released = await feed.until(n2.name, (n) => !holdsSlot(n));
  t.equal(released.spec.unschedulable, true, "released, and the admin's cordon is kept");
  t.equal(await kubectlStatus(n2.name), 'Ready,SchedulingDisabled', 'kubectl still shows it cordoned');

  // --- Zincati on node-01 takes the slot; reboot-manager cordons and drains it.
  const z1 = zincati(replica.url, n1);
  t.teardown(() => z1.close());
  await preRebootUntilGranted(z1);
  t.same(await podsThatMustLeave(admin, n1.name), [], 'granted only once drained');
  t.equal(await kubectlStatus(n1.name), 'Ready,SchedulingDisabled', 'kubectl get nodes shows the holder SchedulingDisabled');
  // node-01 goes down for its reboot and never comes back.
  await cluster.reboots.powerOff(n1.name);
  const z3 = zincati(replica.url, n3);
  t.teardown(() => z3.close());
  const refused = await z3.preReboot();
  t.ok(!refused.ok && refused.kind === 'slots_full' && refused.value.includes(n1.name), `node-03 is refused while node-01 holds the slot (${refusal(refused)})`);

  // The operator is told: the stale-holder metric, a Warning Event on the Node.
  await pollUntil('node-01 reported as a stale holder', async () => (await metric(`${replica.internalUrl}/metrics`, 'reboot_manager_stale_holders')) === 1);
  const stale = await plane.kubectl(['get', 'events', '-n', 'default', '--field-selector', `involvedObject.name=${n1.name},reason=StaleHolder`, '-o', 'jsonpath={.items[*].type}']);
  t.equal(stale.stdout, 'Warning', 'a StaleHolder Warning Event on node-01');
  // reboot-manager status, from the API with the operator's kubeconfig and from the server's cache: they agree.
  const table = await operator(['status']);
  const line = table.split('\n').find((l) => l.startsWith(`${n1.name} `)) ?? '';
  t.match(line.split(/\s+/).slice(0, 8), [n1.name, 'Rebooting', 'fleetlock', 'default', 'drained', /^\d+s$/, 'False', 'us'], `status lists node-01 held by FleetLock, drained, not Ready, cordoned by us:\n${table}`);
  t.ok(table.split('\n')[1]?.startsWith(`${n1.name} `), 'holders come first');
  const viaApi = JSON.parse(await operator(['status', '--output', 'json'])) as StatusRow[];
  const viaServer = JSON.parse(await operator(['status', '--output', 'json', '--server', `${replica.internalUrl}/`])) as StatusRow[];
  const brief = (rows: StatusRow[]) => rows.map((r) => [r.node, r.lock, r.phase, r.ready, r.cordoned]);
  t.same(brief(viaServer), brief(viaApi), "the server's cache says what the API says");
  t.match(viaApi.find((r) => r.node === n2.name), { lock: 'Ready', cordoned: 'admin' }, "node-02 shows the admin's cordon");

  // The operator gives the slot back by hand; the next node gets it.
  t.equal((await operator(['release', n1.name])).trim(), `released the reboot slot of node ${n1.name} and uncordoned it`);
  const gated = await z3.preReboot();
  t.ok(!gated.ok && gated.kind === 'blocked' && gated.value.startsWith(`health: ${n1.name} released`), `the gate waits for node-01, down, until its timeout (${refusal(gated)})`);
  await preRebootUntilGranted(z3, ['slots_full', 'draining']);
  t.notOk(holdsSlot(feed.get(n1.name)), 'node-01 holds nothing');
  t.ok(holdsSlot(feed.get(n3.name)), 'node-03 holds the slot');
  t.equal((await metric(`${replica.internalUrl}/metrics`, 'reboot_manager_releases_total', { reason: 'manual' })) ?? 0, 1, 'the leader counted the release by hand');
  t.equal((await operator(['release', n1.name])).trim(), `node ${n1.name} held no reboot slot; nothing changed`, 'releasing again changes nothing');
  await cluster.reboots.powerOff(n3.name);
  await cluster.reboots.powerOn(n3.name);
  t.ok((await z3.steadyState()).ok);
  await feed.until(n3.name, (n) => !holdsSlot(n));

  t.same(feed.listNodes().filter((n) => n.spec.unschedulable).map((n) => n.metadata.name), [n2.name], "only the admin's cordon is left");
  t.same(feed.listNodes().filter(holdsSlot).map((n) => n.metadata.name), [], 'no slot held');
  await pollUntil('the applications whole again on the nodes that are up', () => workloadsHealthy(admin));
  t.same(cluster.reboots.errors, []);
  t.same(feed.errors, []);
});
