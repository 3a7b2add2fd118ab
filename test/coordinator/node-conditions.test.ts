// While a node holds a reboot slot the leader publishes KEP-5683 lifecycle conditions on it, and clears them on
// release; the kubelet's conditions and those of other actors are never written.
import t from 'tap';
import { createKubeApi } from '../../src/kube/rest-api.js';
import type { NodeObject } from '../../src/sim/kube/types.js';
import type { TestCluster } from '../support/cluster.js';
import { addPdb, addReplicaSet, drainNoteMatches, granted, rebootAndWaitForRelease, startDrainCluster } from '../support/drain-cluster.js';
import { scrape } from '../support/metrics.js';

const LIFECYCLE = new Set(['MaintenancePlanned', 'MaintenanceInProgress', 'DrainInProgress', 'Drained']);
type Condition = NonNullable<NodeObject['status']['conditions']>[number];

const conditionsOf = (node: NodeObject | undefined): Condition[] => node?.status.conditions ?? [];
/** `type status reason` of each lifecycle condition, sorted: what `kubectl describe node` would list. */
const lifecycle = (c: TestCluster, name: string): string[] =>
  conditionsOf(c.sim.store.getNode(name))
    .filter((x) => LIFECYCLE.has(x.type))
    .map((x) => `${x.type} ${x.status} ${x.reason ?? ''}`)
    .sort();
const kubelet = (node: NodeObject | undefined): Condition[] => conditionsOf(node).filter((x) => !LIFECYCLE.has(x.type));
/** Resolves with the node's lifecycle conditions once every one of `want` is among them. */
const until = (c: TestCluster, name: string, want: string[], what: string): Promise<string[]> =>
  c.sim.store.waitFor(() => (want.every((w) => lifecycle(c, name).includes(w)) ? lifecycle(c, name) : undefined), { timeoutMs: 10_000, description: `${name}: ${what}` });

const RELEASED = ['MaintenancePlanned False MaintenanceCompleted', 'DrainInProgress False MaintenanceCompleted', 'Drained False MaintenanceCompleted', 'MaintenanceInProgress False MaintenanceCompleted'];

void t.test('a FleetLock claim: MaintenancePlanned, then DrainInProgress, then Drained and MaintenanceInProgress; all False after the release', async (t) => {
  const c = await startDrainCluster(t, { nodes: 2 });
  // Two pods on node-01 under a budget of 2: the second eviction waits for a replacement to be Ready.
  addReplicaSet(c, 'shop', 'web', ['node-01', 'node-01', 'node-02']);
  addPdb(c, 'shop', 'web', 'web', 2);
  const kubeletAtStart = kubelet(c.sim.store.getNode('node-01'));
  // Every state of node-01 the API server stored, and the cordon held back while the claim is fresh.
  const states: NodeObject[] = [];
  let cordon: { remove(): void } | undefined;
  c.sim.store.onChange((ch) => {
    const node = ch.object as NodeObject;
    if (ch.resource !== 'nodes' || node.metadata.name !== 'node-01') return;
    states.push(structuredClone(node));
    const a = node.metadata.annotations ?? {};
    if (!cordon && a['rebootmanager/status'] === 'Rebooting' && a['rebootmanager/phase'] === 'claimed') {
      cordon = c.sim.faults.inject({ verb: 'patch', resource: 'nodes', subresource: '', name: 'node-01', status: 503 });
    }
  });

  t.match(await c.preReboot('node-01'), { ok: false, kind: 'draining' });
  t.same(await until(c, 'node-01', ['MaintenancePlanned True RebootRequested'], 'planned'), ['MaintenancePlanned True RebootRequested'], 'claimed, not cordoned yet: MaintenancePlanned only');
  t.equal(c.sim.store.getNode('node-01')?.metadata.annotations?.['rebootmanager/phase'], 'claimed');
  t.match(conditionsOf(c.sim.store.getNode('node-01')).find((x) => x.type === 'MaintenancePlanned')?.message, /^reboot slot held by FleetLock id [0-9a-f]+ in group default since 20\d\d-/, 'the message names the holder, its group and since when');
  cordon?.remove();

  // Zincati asks again: the drain goes on (or starts again) and waits on the budget.
  t.match(await c.preReboot('node-01'), { ok: false, kind: 'draining' });
  await drainNoteMatches(c, 'node-01', /waiting on PodDisruptionBudget shop\/web/);
  t.same(await until(c, 'node-01', ['DrainInProgress True RebootRequested'], 'draining'), ['DrainInProgress True RebootRequested', 'MaintenancePlanned True RebootRequested']);

  const replacement = await c.sim.store.waitFor(() => c.sim.store.listPods({ namespace: 'shop', nodeName: 'node-02' }).find((p) => p.metadata.name !== 'web-3'), { description: 'a replacement on node-02' });
  c.sim.store.setPodReady('shop', replacement.metadata.name ?? '', true);
  const done = ['MaintenancePlanned True RebootRequested', 'DrainInProgress False DrainCompleted', 'Drained True DrainCompleted'];
  t.same(await until(c, 'node-01', done, 'drain done'), [...done].sort(), 'drained: not in progress until the holder is told to go');
  t.same(await granted(c, 'node-01'), { ok: true, status: 200 });
  const drained = ['MaintenancePlanned True RebootRequested', 'DrainInProgress False DrainCompleted', 'Drained True DrainCompleted', 'MaintenanceInProgress True RebootRequested'];
  t.same(await until(c, 'node-01', drained, 'granted'), [...drained].sort(), 'granted: the node may go down');
  const statesBeforeBeat = states.length;
  c.kubeletReports('node-01');
  const kubeletAfterBeat = kubelet(c.sim.store.getNode('node-01'));
  t.same(lifecycle(c, 'node-01'), [...drained].sort(), 'a kubelet heartbeat leaves them as they are');

  const statesBeforeReboot = states.length;
  await rebootAndWaitForRelease(c, 'node-01');
  const kubeletAfterBoot = kubelet(c.sim.store.getNode('node-01'));
  t.same(await until(c, 'node-01', RELEASED, 'released'), [...RELEASED].sort());

  // The stages in the order the API server stored them, never going back.
  const stageOf = (n: NodeObject): number => {
    const on = (type: string) => conditionsOf(n).some((x) => x.type === type && x.status === 'True');
    if (on('MaintenanceInProgress')) return 4;
    if (on('Drained')) return 3;
    if (on('DrainInProgress')) return 2;
    if (on('MaintenancePlanned')) return 1;
    return conditionsOf(n).some((x) => LIFECYCLE.has(x.type)) ? 5 : 0;
  };
  const stages = states.map(stageOf).filter((s, i, all) => i === 0 || s !== all[i - 1]);
  t.same(stages, [0, 1, 2, 3, 4, 5], 'none, planned, draining, drained, in progress, released: in that order');
  const kubeletAsIn = (from: number, to: number, want: Condition[]) => states.slice(from, to).every((n) => JSON.stringify(kubelet(n)) === JSON.stringify(want));
  t.ok(kubeletAsIn(0, statesBeforeBeat, kubeletAtStart) && kubeletAsIn(statesBeforeBeat, statesBeforeReboot, kubeletAfterBeat), "the kubelet's conditions changed only with its own posts");
  t.same(kubelet(c.sim.store.getNode('node-01')), kubeletAfterBoot, 'nor after it');
  t.same(new Set(c.sim.requests.list({ verb: 'patch', resource: 'nodes', subresource: 'status' }).map((r) => r.name)), new Set(['node-01']), 'node-02, never claimed, was never written');
});

void t.test("a condition an admin set is never touched; ours go next to it", async (t) => {
  const c = await startDrainCluster(t, { nodes: 2 });
  const admin = `${t.testdir()}/admin-kubeconfig`;
  await c.sim.writeKubeconfig(admin, 'admin');
  const api = createKubeApi(admin);
  const at = '2026-04-01T12:00:00Z';
  const theirs = { type: 'MaintenancePlanned', status: 'True', reason: 'AdminRequested', message: 'disk swap on Tuesday', lastTransitionTime: at, lastHeartbeatTime: at };
  // As `kubectl patch node --subresource=status --type=strategic` would send it.
  for (const name of ['node-01', 'node-02']) await api.patchNodeStatus(name, { status: { conditions: [theirs] } });
  const adminOf = (name: string) => conditionsOf(c.sim.store.getNode(name)).find((x) => x.type === 'MaintenancePlanned');

  t.same(await granted(c, 'node-01'), { ok: true, status: 200 });
  await until(c, 'node-01', ['MaintenancePlanned True AdminRequested', 'Drained True DrainCompleted', 'MaintenanceInProgress True RebootRequested'], 'drained next to the admin');
  await rebootAndWaitForRelease(c, 'node-01');
  await until(c, 'node-01', ['MaintenancePlanned True AdminRequested', 'Drained False MaintenanceCompleted', 'MaintenanceInProgress False MaintenanceCompleted'], 'ours cleared');
  t.same(adminOf('node-01'), theirs, "the admin's condition on the rebooted node is exactly as written");
  t.same(adminOf('node-02'), theirs, 'and on the idle node');
  t.notOk(c.sim.requests.list({ verb: 'patch', resource: 'nodes', subresource: 'status', user: 'system:serviceaccount:reboot-manager:reboot-manager' }).some((r) => r.name === 'node-02'), 'node-02 was never written by the server');
});

void t.test('a new leader clears the conditions the old one could not', async (t) => {
  const c = await startDrainCluster(t, { nodes: 2, replicas: 2 });
  t.same(await granted(c, 'node-01'), { ok: true, status: 200 });
  const drained = ['Drained True DrainCompleted', 'MaintenanceInProgress True RebootRequested', 'MaintenancePlanned True RebootRequested'];
  await until(c, 'node-01', drained, 'drained');

  // The leader releases the slot but may not write the conditions: reported, retried with backoff, left True.
  const first = await c.leader();
  const refused = c.sim.faults.inject({ verb: 'patch', resource: 'nodes', subresource: 'status', status: 403 });
  await rebootAndWaitForRelease(c, 'node-01');
  // A second attempt comes only after the first failure was handled.
  await c.sim.store.waitFor(() => refused.hits >= 2 || undefined, { timeoutMs: 15_000, description: 'a condition write refused, then tried again' });
  t.ok(((await scrape(first.internalUrl)).value('reboot_manager_node_condition_write_errors_total') ?? 0) >= 1, 'the failure is counted');
  t.ok(drained.every((x) => lifecycle(c, 'node-01').includes(x)), 'the conditions still say maintenance');

  await first.close();
  c.servers = c.servers.filter((s) => s !== first);
  refused.remove();
  const next = await c.leader();
  t.not(next, first);
  const cleared = await until(c, 'node-01', ['MaintenancePlanned False MaintenanceCompleted', 'MaintenanceInProgress False MaintenanceCompleted', 'Drained False MaintenanceCompleted'], 'cleared by the new leader');
  t.ok(cleared.every((x) => x.endsWith(' False MaintenanceCompleted')), 'every one False');
});
