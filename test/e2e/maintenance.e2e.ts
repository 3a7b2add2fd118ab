// MaintenanceRequests on a real API server: the CRD validates and defaults them, `kubectl wait` waits on them, they
// share FleetLock's budget, expire, overrun and are deleted mid-drain; the CLI runs with the requester role alone;
// a leader killed while a request drains, or once it is approved, is followed by one that carries on.
import t from 'tap';
import type { FakeNode } from '../../kit/nodes.js';
import { pollUntil } from '../../kit/poll.js';
import { holdsSlot } from '../../src/sim/fleet/holder-watch.js';
import { Annotation } from '../../src/slot/encoding.js';
import { startE2eCluster } from './support/e2e-cluster.js';
import { preRebootUntilGranted, zincati } from './support/fleetlock.js';
import { metric } from './support/metrics.js';
import { blockedDrain, setWebBudget } from './support/blocked-drain.js';
import { rebootManager } from './support/operator-cli.js';
import { leaderOf, startReplica } from './support/replicas.js';
import { conditionOf, createRequest, kubectlRun, MR_PATH, phaseOf, readRequest, requestJson, requestUntil } from './support/requests.js';
import { podsThatMustLeave, workloadsHealthy } from './support/workloads.js';

void t.test('the CRD validates and defaults; requests share the budget with Zincati, wait, expire, overrun; the CLI needs only the requester role', async (t) => {
  const cluster = await startE2eCluster(t, { nodes: 4 });
  const { plane } = cluster;
  const [n1, n2, n3, n4] = cluster.nodes as [FakeNode, FakeNode, FakeNode, FakeNode];
  await pollUntil('the CRD established', async () => (await plane.kubectl(['get', 'crd', 'maintenancerequests.rebootmanager.io', '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}'])).stdout === 'True');

  // --- The API server refuses a bad request, naming the field, before reboot-manager ever sees it.
  const refused = async (name: string, spec: Record<string, unknown>): Promise<string> => (await kubectlRun(plane, ['create', '--dry-run=server', '-f', '-'], { input: requestJson(name, spec) })).stderr;
  t.match(await refused('no-reason', { nodeName: n1.name, reason: undefined }), /spec\.reason: Required value/, 'a request without a reason');
  t.match(await refused('bogus', { nodeName: n1.name, state: 'Bogus' }), /spec\.state: Unsupported value: "Bogus"/, 'state Bogus');
  t.match(await refused('zero', { nodeName: n1.name, startWithinSeconds: 0 }), /spec\.startWithinSeconds: Invalid value: 0: spec\.startWithinSeconds in body should be greater than or equal to 1/, 'startWithinSeconds 0');

  // --- Defaults come from the API server; a request for a node that does not exist is Rejected by the server.
  const replica = await startReplica(t, cluster, 'replica-a', ['--max-rebooting', '2', '--group-slots', 'maintenance=2']);
  await leaderOf([replica]);
  await createRequest(plane, 'ghost', { nodeName: 'node-99' });
  t.same((await readRequest(plane, 'ghost')).spec, { nodeName: 'node-99', reason: 'replace disk sdb', requester: 'alice', drain: true, group: 'default', startWithinSeconds: 3600, finishWithinSeconds: 14_400, state: 'Requested' }, 'every default filled in');
  const ghost = await phaseOf(plane, 'ghost', 'Rejected');
  t.equal(ghost.status?.message, 'node node-99 does not exist');
  t.equal(conditionOf(ghost, 'Approved'), 'False');
  const moved = await kubectlRun(plane, ['patch', 'mr', 'ghost', '--type', 'merge', '-p', `{"spec":{"nodeName":"${n1.name}"}}`]);
  t.match(moved, { code: 1, stderr: /is invalid: spec: Invalid value: nodeName cannot change; delete the request and create another/ }, 'nodeName cannot change');
  t.match((await plane.kubectl(['get', 'mr', 'ghost', '--no-headers'])).stdout, /^ghost\s+node-99\s+Rejected\s+alice\s+replace disk sdb\s+\S+\n$/, 'kubectl get mr shows node, phase, requester and reason');

  // --- Zincati on node-01 holds one slot; a request for node-02 takes the other: kubectl wait returns on its approval.
  const z1 = zincati(replica.url, n1);
  t.teardown(() => z1.close());
  await preRebootUntilGranted(z1);
  await createRequest(plane, 'disk', { nodeName: n2.name, group: 'maintenance', finishWithinSeconds: 5 });
  await plane.kubectl(['wait', '--for=condition=Approved', 'mr/disk', '--timeout=120s']);
  const node2 = await plane.admin.ok<{ metadata: { annotations?: Record<string, string> }; spec: { unschedulable?: boolean } }>('GET', `/api/v1/nodes/${n2.name}`);
  t.match(node2.metadata.annotations, { [Annotation.status]: 'Rebooting', [Annotation.source]: 'maintenance-request', [Annotation.request]: 'disk' }, 'the Node says a request holds it');
  t.equal(node2.spec.unschedulable, true, 'cordoned (and drained) before approval');
  const z2 = zincati(replica.url, n2);
  t.teardown(() => z2.close());
  t.match(await z2.preReboot(), { ok: false, kind: 'blocked', value: /MaintenanceRequest disk/ }, "Zincati on a node a request holds is refused");

  // --- Both slots are taken: the next request waits with the words a FleetLock refusal uses.
  await createRequest(plane, 'slow', { nodeName: n3.name, group: 'maintenance', startWithinSeconds: 3 });
  const pending = await phaseOf(plane, 'slow', 'Pending', /^slots_full: /);
  t.equal(conditionOf(pending, 'Approved'), 'False');
  // node-01 reboots and comes back: its slot goes to the waiting request, which is never started and expires.
  await cluster.reboots.powerOff(n1.name);
  await cluster.reboots.powerOn(n1.name);
  t.ok((await z1.steadyState()).ok);
  await phaseOf(plane, 'slow', 'Approved');
  const expired = await phaseOf(plane, 'slow', 'Expired', /not started within 3 s of approval/);
  t.equal(conditionOf(expired, 'Approved'), 'False');
  await pollUntil('node-03 given back and uncordoned', async () => {
    const n = await plane.admin.ok<{ metadata: { annotations?: Record<string, string> }; spec: { unschedulable?: boolean } }>('GET', `/api/v1/nodes/${n3.name}`);
    return n.metadata.annotations?.[Annotation.status] === 'Ready' && !n.spec.unschedulable;
  });

  // --- Work on node-02 runs past its 5 s: reported while the node is down, released once it is Ready.
  await cluster.reboots.powerOff(n2.name);
  await plane.kubectl(['patch', 'mr', 'disk', '--type', 'merge', '-p', '{"spec":{"state":"InProgress"}}']);
  const overrun = await requestUntil(plane, 'disk', 'Overrun', (r) => conditionOf(r, 'Overrun') === 'True');
  t.match(overrun.status, { phase: 'InProgress', message: /overran its 5 s to finish: the slot is given back once node node-02 is Ready/ });
  t.equal(await metric(`${replica.internalUrl}/metrics`, 'reboot_manager_maintenance_request_overruns_total'), 1, 'counted');
  const events = await plane.admin.ok<{ items: { involvedObject: { kind: string; name: string } }[] }>('GET', '/api/v1/namespaces/default/events?fieldSelector=reason%3DMaintenanceOverrun');
  t.same(events.items.map((e) => `${e.involvedObject.kind}/${e.involvedObject.name}`).sort(), ['MaintenanceRequest/disk', `Node/${n2.name}`], 'a Warning Event on the request and on the Node');
  t.equal((await plane.admin.ok<{ metadata: { annotations?: Record<string, string> } }>('GET', `/api/v1/nodes/${n2.name}`)).metadata.annotations?.[Annotation.status], 'Rebooting', 'a node that is down keeps its slot');
  await cluster.reboots.powerOn(n2.name);
  await phaseOf(plane, 'disk', 'Expired', /overran/);

  // --- A person bound to reboot-manager-requester, and nothing else, runs the CLI and kubectl wait.
  await plane.kubectl(['create', 'namespace', 'ops']);
  await plane.kubectl(['create', 'serviceaccount', '-n', 'ops', 'fw-tool']);
  await plane.kubectl(['create', 'clusterrolebinding', 'fw-tool-maintenance', '--clusterrole=reboot-manager-requester', '--serviceaccount=ops:fw-tool']);
  const requester = await plane.serviceAccountKubeconfig('ops', 'fw-tool');
  const waited = await rebootManager(requester, ['maintain', n4.name, '--reason', 'replace disk', '--wait']);
  t.match(waited, new RegExp(`approved: node ${n4.name} is drained and yours\\nstarted: spec.state is InProgress`), `maintain --wait:\n${waited}`);
  const name = /created MaintenanceRequest (\S+) for node/.exec(waited)?.[1] ?? '';
  t.match(await readRequest(plane, name), { spec: { state: 'InProgress', requester: 'ops:fw-tool', nodeName: n4.name } });
  await plane.kubectl(['wait', '--for=condition=Approved', `mr/${name}`, '--timeout=60s'], { kubeconfig: requester });
  t.match(await kubectlRun(plane, ['patch', 'mr', name, '--subresource=status', '--type', 'merge', '-p', '{"status":{"phase":"Completed"}}'], { kubeconfig: requester }), { code: 1, stderr: /forbidden/i }, "the status is not the requester's to write");
  t.equal((await rebootManager(requester, ['done', n4.name])).trim(), `completed MaintenanceRequest ${name}: the slot of node ${n4.name} is given back once the node is Ready (kubectl get mr ${name} -w)`);
  await phaseOf(plane, name, 'Completed');
  await pollUntil('node-04 given back and uncordoned', async () => {
    const n = await plane.admin.ok<{ metadata: { annotations?: Record<string, string> }; spec: { unschedulable?: boolean } }>('GET', `/api/v1/nodes/${n4.name}`);
    return n.metadata.annotations?.[Annotation.status] === 'Ready' && !n.spec.unschedulable;
  });
  t.same(cluster.reboots.errors, []);
});

void t.test('deleted mid-drain it gives the node back; a leader killed while a request drains, then once it is approved, is followed by one that carries on', async (t) => {
  const cluster = await startE2eCluster(t, { nodes: 4 });
  const { plane } = cluster;
  const admin = plane.admin;
  // No web pod may leave until the test says so: drains stop half-way, blocked by the web budget.
  const { target, feed, holders } = await blockedDrain(t, cluster);
  const blocked = (name: string) => requestUntil(plane, name, 'drain blocked by the web budget', (r) => r.status?.phase === 'Pending' && (r.status.drain?.blockers ?? []).some((b) => b.includes('web')));

  const replicas = [await startReplica(t, cluster, 'replica-a'), await startReplica(t, cluster, 'replica-b')];
  const first = await leaderOf(replicas);

  // --- Deleted while its drain is blocked: the slot goes back and the cordon is lifted.
  await createRequest(plane, 'gone', { nodeName: target.name });
  const draining = await blocked('gone');
  t.match(draining.status?.message, /^draining: /, 'pending with the drain in words');
  t.equal(feed.get(target.name)?.spec.unschedulable, true, 'cordoned');
  await plane.kubectl(['delete', 'mr', 'gone']);
  const back = await feed.until(target.name, (n) => !holdsSlot(n));
  t.notOk(back.spec.unschedulable, 'uncordoned once the request is deleted');

  // --- The leader is killed while the next request drains: the new leader resumes the drain and approves.
  await pollUntil('the applications whole again', () => workloadsHealthy(admin));
  await createRequest(plane, 'disk', { nodeName: target.name });
  const before = await blocked('disk');
  first.process.signal('KILL');
  await first.process.exited;
  const second = await leaderOf(replicas.filter((r) => r !== first));
  await setWebBudget(admin, 1);
  await plane.kubectl(['wait', '--for=condition=Approved', 'mr/disk', '--timeout=180s']);
  const approved = await readRequest(plane, 'disk');
  t.equal(approved.status?.times?.pending, before.status?.times?.pending, "the new leader kept the request's history");
  t.match(approved.status?.drain, { done: true }, 'and finished the drain the old one started');
  t.same(await podsThatMustLeave(admin, target.name), [], 'approved only once the node is drained');

  // --- The leader is killed while the request is approved: the next one keeps the slot and completes it on done.
  const third = await startReplica(t, cluster, 'replica-c');
  second.process.signal('KILL');
  await second.process.exited;
  await leaderOf([third]);
  const kept = await readRequest(plane, 'disk');
  t.equal(kept.status?.phase, 'Approved', 'still approved under the new leader');
  t.equal(kept.status?.times?.approved, approved.status?.times?.approved, 'approved once, whoever leads');
  t.match(await rebootManager(plane.adminKubeconfig, ['done', target.name]), /^completed MaintenanceRequest disk: /);
  await phaseOf(plane, 'disk', 'Completed');
  const released = await feed.until(target.name, (n) => !holdsSlot(n));
  t.notOk(released.spec.unschedulable, 'the third leader uncordons the node the first cordoned');
  t.equal(holders.max, 1, 'one holder at a time throughout');
  await pollUntil('the applications whole again', () => workloadsHealthy(admin));
  t.same(feed.errors, [], 'the node watch saw every change');
  t.ok((await admin.call('GET', `${MR_PATH}/gone`)).status === 404, 'the deleted request is gone');
});
