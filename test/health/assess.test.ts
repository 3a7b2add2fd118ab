// The gate's arithmetic on hand-made statuses: what counts as whole, what is missing, when the wait ends.
import t from 'tap';
import { assess, type Release, type StatusLookup } from '../../src/health/assess.js';
import { describeWait, listMissing } from '../../src/health/describe.js';
import type { NodeView } from '../../src/kube/node-view.js';
import type { BudgetView, WorkloadView } from '../../src/kube/workload-views.js';
import type { HealthGateSettings } from '../../src/policy/health-gate.js';
import { NOTHING_DISTURBED, type Disturbed } from '../../src/slot/disturbed.js';

const T0 = Date.UTC(2026, 3, 1, 12);
const MINUTE = 60_000;
const SETTINGS: HealthGateSettings = { enabled: true, timeoutMs: 10 * MINUTE, nodeReadyMs: MINUTE, onTimeout: 'proceed' };

const node = (over: Partial<NodeView> = {}): NodeView => ({
  name: 'node-a',
  uid: 'u',
  resourceVersion: '1',
  machineId: 'm',
  bootId: 'b',
  ready: true,
  heartbeat: '',
  unschedulable: false,
  addresses: [],
  annotations: {},
  labels: {},
  readySince: T0 - 5 * MINUTE,
  lifecycle: {},
  ...over,
});

const release = (disturbed: Disturbed | undefined, over: Partial<NodeView> = {}): Release => ({ node: node(over), at: T0, atIso: new Date(T0).toISOString(), disturbed });

const workload = (kind: WorkloadView['kind'], name: string, over: Partial<WorkloadView> = {}): WorkloadView => ({
  kind,
  namespace: 'shop',
  name,
  generation: 1,
  observedGeneration: 1,
  replicas: 3,
  readyReplicas: 3,
  deployment: '',
  ...over,
});

const budget = (name: string, over: Partial<BudgetView> = {}): BudgetView => ({
  namespace: 'shop',
  name,
  generation: 1,
  observedGeneration: 1,
  selector: { matchLabels: { app: name }, matchExpressions: [] },
  currentHealthy: 3,
  desiredHealthy: 2,
  expectedPods: 3,
  ...over,
});

function lookup(workloads: WorkloadView[], budgets: BudgetView[], synced = true): StatusLookup {
  return {
    synced,
    workload: (kind, namespace, name) => workloads.find((w) => w.kind === kind && w.namespace === namespace && w.name === name),
    budget: (namespace, name) => budgets.find((b) => b.namespace === namespace && b.name === name),
  };
}

const disturbed = (workloads: [string, string][], budgets: string[] = []): Disturbed => ({
  ...NOTHING_DISTURBED,
  workloads: workloads.map(([kind, name]) => ({ kind, namespace: 'shop', name })),
  budgets: budgets.map((name) => ({ namespace: 'shop', name })),
});

const missing = (r: Release, l: StatusLookup, now = T0 + 2 * MINUTE) => listMissing(assess(r, l, SETTINGS, now).missing, r.node.name);

void t.test('a workload is whole when its controller caught up and reports every replica ready', async (t) => {
  const r = release(disturbed([['Deployment', 'web'], ['StatefulSet', 'db']]));
  t.equal(missing(r, lookup([workload('Deployment', 'web'), workload('StatefulSet', 'db')], [])), '', 'all ready');
  t.equal(missing(r, lookup([workload('Deployment', 'web', { readyReplicas: 2 }), workload('StatefulSet', 'db', { replicas: 5, readyReplicas: 4 })], [])), 'Deployment shop/web (2/3 ready), StatefulSet shop/db (4/5 ready)');
  t.equal(missing(r, lookup([workload('Deployment', 'web', { generation: 2 }), workload('StatefulSet', 'db')], [])), 'Deployment shop/web (its controller has not caught up yet)', 'a status older than the spec proves nothing');
  t.equal(missing(r, lookup([workload('Deployment', 'web', { replicas: 2, readyReplicas: 3 })], [])), '', 'surplus ready replicas during a rollout are fine; a deleted StatefulSet is whole');
});

void t.test('a recorded ReplicaSet is judged by its Deployment when it has one, else by itself', async (t) => {
  const r = release(disturbed([['ReplicaSet', 'web-5d8f']]));
  t.equal(missing(r, lookup([workload('ReplicaSet', 'web-5d8f', { deployment: 'web', readyReplicas: 3 }), workload('Deployment', 'web', { readyReplicas: 2 })], [])), 'Deployment shop/web (2/3 ready)');
  t.equal(missing(r, lookup([workload('ReplicaSet', 'web-5d8f', { readyReplicas: 1 })], [])), 'ReplicaSet shop/web-5d8f (1/3 ready)', 'a bare ReplicaSet');
  const both = release(disturbed([['ReplicaSet', 'web-5d8f'], ['Deployment', 'web']]));
  t.equal(missing(both, lookup([workload('ReplicaSet', 'web-5d8f', { deployment: 'web' }), workload('Deployment', 'web', { readyReplicas: 2 })], [])), 'Deployment shop/web (2/3 ready)', 'named once');
  t.equal(missing(release(disturbed([['ReplicationController', 'old'], ['CloneSet', 'x']])), lookup([], [])), '', 'kinds the gate does not watch are left to their budgets');
});

void t.test('a budget is whole when the disruption controller caught up and every pod it covers is healthy', async (t) => {
  const r = release(disturbed([], ['web']));
  t.equal(missing(r, lookup([], [budget('web')])), '');
  t.equal(missing(r, lookup([], [budget('web', { currentHealthy: 2 })])), 'PodDisruptionBudget shop/web (2/3 healthy)', 'at its floor (2 desired) but one pod short: not whole yet');
  t.equal(missing(r, lookup([], [budget('web', { currentHealthy: 1, expectedPods: 1, desiredHealthy: 2 })])), 'PodDisruptionBudget shop/web (1/2 healthy)', 'below its floor');
  t.equal(missing(r, lookup([], [budget('web', { generation: 3, observedGeneration: 2 })])), 'PodDisruptionBudget shop/web (not computed yet)');
  t.equal(missing(r, lookup([], [])), '', 'a deleted budget is whole');
});

void t.test('until the watches have listed, what they would say is missing', async (t) => {
  t.equal(missing(release(disturbed([['Deployment', 'web']])), lookup([], [], false)), 'the workload watches (not listed yet)');
  t.equal(missing(release(NOTHING_DISTURBED), lookup([], [], false)), '', 'nothing recorded: nothing to wait for');
});

void t.test('the released node must be Ready, for long enough; an unknown Ready time counts from the release', async (t) => {
  const none = lookup([], []);
  t.equal(missing(release(undefined, { ready: false }), none), 'node node-a to be Ready');
  const fresh = assess(release(undefined, { readySince: T0 + 30_000 }), none, SETTINGS, T0 + 60_000);
  t.same(fresh.missing, [{ kind: 'node-ready-for', readyForMs: 30_000, needMs: MINUTE }]);
  t.equal(fresh.readyAt, T0 + 90_000);
  t.same(assess(release(undefined, { readySince: T0 + 30_000 }), none, SETTINGS, T0 + 90_000).missing, [], 'exactly the set time is enough');
  const unknown = assess(release(undefined, { readySince: 0 }), none, SETTINGS, T0 + 20_000);
  t.equal(unknown.readyAt, T0 + MINUTE, 'counted from the release');
  t.same(assess(release(undefined), none, { ...SETTINGS, nodeReadyMs: 0 }, T0).missing, [], 'a zero Ready time asks only for Ready');
});

void t.test('the timeout counts from the release', async (t) => {
  const l = lookup([workload('Deployment', 'web', { readyReplicas: 0 })], []);
  const r = release(disturbed([['Deployment', 'web']]));
  t.match(assess(r, l, SETTINGS, T0 + 10 * MINUTE - 1), { timedOut: false, timeoutAt: T0 + 10 * MINUTE });
  t.match(assess(r, l, SETTINGS, T0 + 10 * MINUTE), { timedOut: true });
});

void t.test('what is missing is named a few at a time, and the sentence says how the wait ends', async (t) => {
  const r = release(disturbed([['Deployment', 'a'], ['Deployment', 'b'], ['Deployment', 'c'], ['Deployment', 'd']], ['e']), { ready: false });
  const l = lookup(['a', 'b', 'c', 'd'].map((n) => workload('Deployment', n, { readyReplicas: 0 })), [budget('e', { currentHealthy: 0 })]);
  const a = assess(r, l, SETTINGS, T0 + 90_000);
  t.equal(describeWait(r, a, 'proceed', T0 + 90_000), 'node-a released 1m30s ago: waiting for Deployment shop/a (0/3 ready), Deployment shop/b (0/3 ready), Deployment shop/c (0/3 ready) and 3 more; gives up in 8m30s');
  t.equal(describeWait({ ...r, disturbed: { ...(r.disturbed ?? NOTHING_DISTURBED), omitted: 2 } }, a, 'block', T0 + 90_000), 'node-a released 1m30s ago: waiting for Deployment shop/a (0/3 ready), Deployment shop/b (0/3 ready), Deployment shop/c (0/3 ready) and 3 more (2 more not recorded); times out in 8m30s, then keeps blocking (onTimeout Block)');
  const late = assess(r, l, SETTINGS, T0 + 12 * MINUTE);
  t.match(describeWait(r, late, 'block', T0 + 12 * MINUTE), /; timed out 2m ago, still blocking \(onTimeout Block\)$/);
});
