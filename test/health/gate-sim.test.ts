// The health gate on a simulated cluster: a Deployment under a PodDisruptionBudget whose replacement pod starts
// slowly. The drain records what it disturbed on the Node; the gate names it until the controllers report it whole.
import t, { type Test } from 'tap';
import type { HealthGateView } from '../../src/health/health-gate.js';
import { Annotation, disturbedOf } from '../../src/slot/encoding.js';
import { startHealthRig } from '../support/health-rig.js';
import { addDeployment } from '../support/workloads.js';

const MINUTE = 60_000;
const NODES = ['node-a', 'node-b', 'node-c'];

async function webOnEveryNode(t: Test, readyDelayMs: number, settings?: Parameters<typeof startHealthRig>[1]['settings']) {
  const rig = await startHealthRig(t, { nodes: NODES, readyDelayMs, ...(settings ? { settings } : {}) });
  addDeployment(rig.cluster.store, { namespace: 'shop', name: 'web', nodes: NODES, minAvailable: 2, clock: rig.clock });
  await rig.drain('node-a');
  await rig.rebootAndRelease('node-a');
  return rig;
}

void t.test('the gate names the Deployment and the budget until the slow replacement is Ready, then clears', async (t) => {
  const rig = await webOnEveryNode(t, 5 * MINUTE);
  const released = rig.clock.now();
  const record = disturbedOf(rig.leader.nodes.get('node-a') ?? { annotations: {} });
  t.same(record, { workloads: [{ kind: 'Deployment', namespace: 'shop', name: 'web' }], budgets: [{ namespace: 'shop', name: 'web' }], omitted: 0, settled: null }, 'the drain recorded the Deployment (not its ReplicaSet) and the budget; the release kept it');

  const [first, ...others] = rig.leader.gate.reasons(rig.asking('node-b'));
  t.same(others, [], 'one reason per released node');
  t.equal(first?.rule, 'health');
  t.match(first?.message, /^node-a released 0s ago: waiting for Deployment shop\/web \(2\/3 ready\), PodDisruptionBudget shop\/web \(2\/3 healthy\), node node-a Ready for 1m \(0s so far\); gives up in 10m$/);
  t.equal(first?.until, released + 10 * MINUTE, 'under Proceed the wait ends at the timeout at the latest');

  await rig.runFor(MINUTE);
  t.match(rig.leader.gate.reasons(rig.asking('node-b'))[0]?.message, /waiting for Deployment shop\/web \(2\/3 ready\), PodDisruptionBudget shop\/web \(2\/3 healthy\); gives up in 9m$/, 'the node has been Ready long enough; the replacement is not');
  t.match(rig.leader.gate.view(rig.clock.now()), { enabled: true, watching: true, releases: [{ node: 'node-a', missing: ['Deployment shop/web (2/3 ready)', 'PodDisruptionBudget shop/web (2/3 healthy)'], timedOut: false, notRecorded: 0 }] });
  t.same(rig.leader.gate.reasons(rig.asking('node-b', true)), [], 'an urgent claim does not wait');

  // The replacement was created at the eviction, 1m30s before the release; it turns Ready 5m after it.
  t.ok(await rig.until(() => rig.leader.gate.reasons(rig.asking('node-b')).length === 0, 5 * MINUTE));
  t.ok(rig.clock.now() < released + 5 * MINUTE, 'clear as soon as the controllers report the replacement Ready');
  t.ok(await rig.until(() => disturbedOf(rig.leader.nodes.get('node-a') ?? { annotations: {} })?.settled?.by === 'whole'), 'the release is marked settled on the Node');
  t.same(rig.leader.gate.view(rig.clock.now()).releases, [], 'nothing left to wait for');
  t.same(rig.timeoutEvents('node-a'), []);
});

void t.test('a released node must have been Ready for the set time', async (t) => {
  const rig = await startHealthRig(t, { nodes: NODES, readyDelayMs: 0, settings: { enabled: true, timeoutMs: 10 * MINUTE, nodeReadyMs: 2 * MINUTE, onTimeout: 'proceed' } });
  await rig.drain('node-a');
  await rig.rebootAndRelease('node-a');
  const readySince = rig.leader.nodes.get('node-a')?.readySince ?? 0;
  t.ok(readySince > 0, 'the Ready condition says since when');
  const [reason] = rig.leader.gate.reasons(rig.asking('node-b'));
  t.match(reason, { rule: 'health', message: /waiting for node node-a Ready for 2m \(0s so far\)/, until: readySince + 2 * MINUTE }, 'nothing was disturbed: only the node itself');

  await rig.runFor(MINUTE);
  rig.cluster.store.setNodeReady('node-a', false);
  await rig.until(() => rig.leader.nodes.get('node-a')?.ready === false);
  const notReady = rig.leader.gate.reasons(rig.asking('node-b'))[0];
  t.match(notReady?.message, /waiting for node node-a to be Ready; gives up in 9m/);
  t.equal(notReady?.until, rig.clock.now() + 9 * MINUTE, 'no telling when it comes back: the timeout');
  rig.cluster.store.setNodeReady('node-a', true);
  await rig.until(() => rig.leader.nodes.get('node-a')?.ready === true);
  t.match(rig.leader.gate.reasons(rig.asking('node-b'))[0]?.message, /node node-a Ready for 2m \(0s so far\)/, 'Ready again: the time counts afresh');
  await rig.runFor(2 * MINUTE);
  t.same(rig.leader.gate.reasons(rig.asking('node-b')), []);
});

void t.test('timeout with Proceed: no reason past it, reported once as an Event and a log line', async (t) => {
  const rig = await webOnEveryNode(t, 3 * 60 * MINUTE);
  const released = rig.clock.now();
  await rig.runFor(10 * MINUTE - 1000);
  t.match(rig.leader.gate.reasons(rig.asking('node-b'))[0]?.message, /Deployment shop\/web \(2\/3 ready\).*gives up in 1s$/);
  await rig.runFor(1000);
  t.same(rig.leader.gate.reasons(rig.asking('node-b')), [], 'the gate gives up at the timeout');
  t.same(rig.leader.gate.reasons(rig.asking('node-c')), []);
  await rig.until(() => rig.timeoutEvents('node-a').length > 0);
  t.same(rig.timeoutEvents('node-a'), ['Health gate gave up after 10m: claims proceed while still waiting for Deployment shop/web (2/3 ready), PodDisruptionBudget shop/web (2/3 healthy) (onTimeout Proceed)'], 'one Warning Event naming what is missing');
  t.equal(rig.leader.logs.filter((l) => l.level === 40 && String(l.msg).startsWith('Health gate gave up')).length, 1, 'and one log line');
  t.ok(await rig.until(() => disturbedOf(rig.leader.nodes.get('node-a') ?? { annotations: {} })?.settled?.by === 'timeout'), 'settled as given up');
  const next = rig.replica('replica-b');
  await rig.until(() => next.nodes.synced && next.workloads.synced);
  t.same(next.gate.reasons(rig.asking('node-b')), [], 'a new leader does not wait for it again');
  t.ok(rig.clock.now() >= released + 10 * MINUTE);
});

void t.test('a follower asked past the timeout (explain) reports nothing: the leader reports it once', async (t) => {
  const rig = await webOnEveryNode(t, 3 * 60 * MINUTE);
  const follower = rig.replica('replica-b', { isLeader: () => false });
  await rig.until(() => follower.nodes.synced && follower.workloads.synced);
  await rig.runFor(10 * MINUTE);
  t.same(follower.gate.reasons(rig.asking('node-b')), [], 'the follower gives up too');
  t.same(follower.logs.filter((l) => String(l.msg).startsWith('Health gate gave up')), [], 'without a log line');
  t.same(rig.leader.gate.reasons(rig.asking('node-b')), []);
  await rig.until(() => rig.timeoutEvents('node-a').length > 0);
  await rig.runFor(MINUTE);
  t.equal(rig.timeoutEvents('node-a').length, 1, 'one Event, the leader\'s');
});

void t.test('timeout with Block: the reason stays and says so, until the workload is whole', async (t) => {
  const rig = await webOnEveryNode(t, 30 * MINUTE, { enabled: true, timeoutMs: 10 * MINUTE, nodeReadyMs: MINUTE, onTimeout: 'block' });
  const first = rig.leader.gate.reasons(rig.asking('node-b'))[0];
  t.match(first?.message, /times out in 10m, then keeps blocking \(onTimeout Block\)$/);
  t.equal(first?.until, undefined, 'no end in sight');
  await rig.runFor(12 * MINUTE);
  const late = rig.leader.gate.reasons(rig.asking('node-b'))[0];
  t.match(late?.message, /waiting for Deployment shop\/web \(2\/3 ready\), PodDisruptionBudget shop\/web \(2\/3 healthy\); timed out 2m ago, still blocking \(onTimeout Block\)$/);
  t.match(rig.leader.gate.view(rig.clock.now()).releases, [{ node: 'node-a', timedOut: true }]);
  t.ok(await rig.until(() => rig.leader.gate.reasons(rig.asking('node-b')).length === 0, 30 * MINUTE), 'clears once whole');
  t.same(rig.timeoutEvents('node-a'), [], 'nothing was given up');
});

void t.test('failover: a new leader reads what the drain disturbed from the Node and waits for the same', async (t) => {
  const rig = await webOnEveryNode(t, 5 * MINUTE);
  const seen = (v: HealthGateView) => v.releases.map((r) => ({ ...r, missing: r.missing.filter((m) => !m.startsWith('node ')) }));
  const before = seen(rig.leader.gate.view(rig.clock.now()));
  t.match(before, [{ node: 'node-a', missing: ['Deployment shop/web (2/3 ready)', 'PodDisruptionBudget shop/web (2/3 healthy)'] }]);
  rig.leader.stop();
  // Its Deployment list is slow to answer: the node cache syncs first.
  const next = rig.replica('replica-b', { faults: { onCall: (c) => ({ kind: 'none', latencyMs: c.resource === 'deployments' ? 30_000 : 0 }), onWatchEvent: () => ({ delayMs: 0 }) } });
  await rig.until(() => next.nodes.synced);
  t.notOk(next.workloads.synced);
  t.same(next.gate.reasons(rig.asking('node-b'))[0]?.message, 'node-a released 0s ago: waiting for the workload watches (not listed yet), node node-a Ready for 1m (0s so far); gives up in 10m', 'while its watches list, it waits rather than guess');
  await rig.until(() => next.nodes.synced && next.workloads.synced);
  t.same(seen(next.gate.view(rig.clock.now())), before, 'then the same release, missing the same, timing out at the same time');
  t.match(next.gate.reasons(rig.asking('node-b'))[0]?.message, /waiting for Deployment shop\/web \(2\/3 ready\), PodDisruptionBudget shop\/web \(2\/3 healthy\)/);
});

void t.test('a workload or budget deleted meanwhile counts as whole', async (t) => {
  const rig = await webOnEveryNode(t, 60 * MINUTE);
  await rig.runFor(MINUTE);
  t.match(rig.leader.gate.reasons(rig.asking('node-b'))[0]?.message, /Deployment shop\/web.*PodDisruptionBudget shop\/web/);
  rig.cluster.store.remove('deployments', 'shop', 'web');
  await rig.until(() => rig.leader.workloads.workload('Deployment', 'shop', 'web') === undefined);
  t.match(rig.leader.gate.reasons(rig.asking('node-b'))[0]?.message, /waiting for PodDisruptionBudget shop\/web \(2\/3 healthy\);/, 'the Deployment is gone: only the budget is left');
  rig.cluster.store.remove('poddisruptionbudgets', 'shop', 'web');
  await rig.until(() => rig.leader.workloads.budget('shop', 'web') === undefined);
  t.same(rig.leader.gate.reasons(rig.asking('node-b')), []);
  t.equal(rig.leader.nodes.get('node-a')?.annotations[Annotation.status], 'Ready');
});
