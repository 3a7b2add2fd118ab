// The health gate against a real control plane: the drain records the Deployment (resolved from the real
// ReplicaSet's owner) and StatefulSet it disturbed and their budgets; the gate reads the status the real
// ReplicaSet, Deployment, StatefulSet and disruption controllers write, naming what is missing until it is whole.
import { FLEETLOCK } from '../../src/slot/slot.js';
import { pino } from 'pino';
import t from 'tap';
import { pollUntil } from '../../kit/poll.js';
import { systemClock } from '../../src/clock/clock.js';
import { Drainer } from '../../src/drain/index.js';
import { HealthGate } from '../../src/health/health-gate.js';
import { cachedDisturbance } from '../../src/health/lookup.js';
import { EventRecorder } from '../../src/kube/events.js';
import { NodeCache } from '../../src/kube/nodes.js';
import { createKubeApi } from '../../src/kube/rest-api.js';
import { WorkloadCaches } from '../../src/kube/workloads.js';
import { disturbedOf, slotOf } from '../../src/slot/encoding.js';
import { claim, releaseByOperator } from '../../src/slot/transitions.js';
import { nodeName, startE2eCluster } from './support/e2e-cluster.js';

const NS = 'shop';
const HOST = 'kubernetes.io/hostname';
const POOL = { 'e2e.reboot-manager.test/health': 'yes' };

/** Two replicas, one per labelled node: a replacement has nowhere to go while one of the two is cordoned. */
const spread = (app: string) => ({
  selector: { matchLabels: { app } },
  template: {
    metadata: { labels: { app } },
    spec: {
      terminationGracePeriodSeconds: 1,
      nodeSelector: POOL,
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: HOST, labelSelector: { matchLabels: { app } } }] } },
      containers: [{ name: 'app', image: `registry.example.com/${app}:1`, resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
    },
  },
});

void t.test('the gate reads the real controllers: it names what a drain disturbed until the replacements are Ready', async (t) => {
  const cluster = await startE2eCluster(t, { nodes: 3 });
  const { plane } = cluster;
  const admin = plane.admin;
  const [drained, other] = [nodeName(0), nodeName(1)];
  for (const n of [drained, other]) await admin.ok('PATCH', `/api/v1/nodes/${n}`, { metadata: { labels: POOL } }, 'merge');
  await admin.ok('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  await admin.ok('POST', `/apis/apps/v1/namespaces/${NS}/deployments`, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2, ...spread('web') } });
  await admin.ok('POST', `/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets`, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } });
  await admin.ok('POST', `/apis/apps/v1/namespaces/${NS}/statefulsets`, { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { replicas: 2, serviceName: 'db', ...spread('db') } });
  await admin.ok('POST', `/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets`, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } } });

  // reboot-manager's parts in this process, as its ServiceAccount: the shipped RBAC decides every call.
  const api = createKubeApi(cluster.productKubeconfig);
  const log = pino({ level: 'silent' });
  const nodes = new NodeCache({ api, clock: systemClock });
  const workloads = new WorkloadCaches(api, systemClock);
  const events = new EventRecorder(api, systemClock, { instance: 'e2e', onError: (err) => t.fail(err.message) });
  const drainer = new Drainer({
    api, clock: systemClock, nodes, events, log, isLeader: () => true, disturbance: cachedDisturbance(workloads),
    options: { unmanagedPods: 'block', concurrency: 5, evictionRate: 20, timeoutMs: 0, timeoutPolicy: 'refuse', retryMinMs: 200, retryMaxMs: 1000, blockedRetryMs: 5000, progressIntervalMs: 200, ownPod: undefined },
  });
  const gate = new HealthGate({ nodes, workloads, clock: systemClock, log, events, isLeader: () => true, sameScope: () => true, settings: { enabled: true, timeoutMs: 600_000, nodeReadyMs: 1000, onTimeout: 'proceed' } });
  nodes.start();
  t.teardown(() => {
    drainer.close();
    gate.close();
    nodes.stop();
  });
  const status = (path: string) => admin.ok<{ status?: { readyReplicas?: number } }>('GET', path);
  await pollUntil('both applications Ready', async () => (await status(`/apis/apps/v1/namespaces/${NS}/deployments/web`)).status?.readyReplicas === 2 && (await status(`/apis/apps/v1/namespaces/${NS}/statefulsets/db`)).status?.readyReplicas === 2);
  await Promise.all([nodes.whenSynced(), workloads.whenSynced()]);

  // An admin's cordon stays through the release: the replacements wait, Pending, for the test to lift it.
  await plane.kubectl(['cordon', drained]);
  await pollUntil('the cordon in the cache', async () => nodes.get(drained)?.unschedulable);
  const token = 'e2e-claim';
  const claimed = await nodes.cas(drained, (n) => claim(n, { source: FLEETLOCK, group: 'default', id: drained, claim: token, at: Date.now() }));
  if (claimed.fenced || claimed.outcome.kind !== 'claimed') throw new Error('could not claim');
  await pollUntil('the claim in the cache', async () => slotOf(nodes.get(drained) ?? { annotations: {} })?.claim === token);
  drainer.prepare(claimed.node, claimed.outcome.slot);
  await pollUntil('the drain done', async () => slotOf(nodes.get(drained) ?? { annotations: {} })?.drain?.done === 'drained');
  const record = disturbedOf(nodes.get(drained) ?? { annotations: {} });
  // reboot-manager's own Deployment (kubernetes/ is applied) may have had its pod on the drained node too.
  const shop = <T extends { namespace: string }>(xs: readonly T[] | undefined) => (xs ?? []).filter((x) => x.namespace === NS);
  t.same(shop(record?.workloads).map((w) => `${w.kind} ${w.namespace}/${w.name}`).sort(), ['Deployment shop/web', 'StatefulSet shop/db'], 'the real ReplicaSet led to its Deployment');
  t.same(shop(record?.budgets).map((b) => `${b.namespace}/${b.name}`).sort(), ['shop/db', 'shop/web'], 'both budgets selected the evicted pods');

  const released = await nodes.cas(drained, (n) => releaseByOperator(n, Date.now()));
  t.equal(released.fenced, false);
  const asking = () => ({ node: nodes.get(nodeName(2)) ?? claimed.node, group: 'default', now: Date.now(), pools: [], urgent: false });
  const waiting = await pollUntil('the gate to see the release', async () => gate.view(Date.now()).releases[0]);
  t.equal(waiting.node, drained);
  const missing = await pollUntil('the controllers to report the replacements not Ready', async () => {
    const m = gate.view(Date.now()).releases[0]?.missing.filter((x) => x.includes(` ${NS}/`));
    return m?.length === 4 ? m : undefined;
  });
  t.same(missing.sort(), ['Deployment shop/web (1/2 ready)', 'PodDisruptionBudget shop/db (1/2 healthy)', 'PodDisruptionBudget shop/web (1/2 healthy)', 'StatefulSet shop/db (1/2 ready)'], 'as the real controllers count them');
  t.match(gate.reasons(asking())[0]?.message, new RegExp(`^${drained} released \\d+s ago: waiting for `));

  await plane.kubectl(['uncordon', drained]);
  await pollUntil('the gate to clear once the replacements run', async () => gate.reasons(asking()).length === 0);
  await pollUntil('the release marked settled on the Node', async () => disturbedOf(nodes.get(drained) ?? { annotations: {} })?.settled?.by === 'whole');
  t.same(gate.view(Date.now()).releases, []);
});
