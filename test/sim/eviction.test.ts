// Eviction answers (201/429/500/404/409), budget accounting, graceful deletion and replacement controllers.
import { CoreV1Api } from '@kubernetes/client-node';
import type { V1Eviction } from '@kubernetes/client-node';
import t from 'tap';
import type { KubeSim } from '../../src/sim/kube/index.js';
import { makeNode, makePdb, makePod } from '../../src/sim/kube/index.js';
import { apiError, kubeConfig, simFor } from '../support/sim-helpers.js';

function eviction(name: string, uid?: string): V1Eviction {
  return { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' }, ...(uid ? { deleteOptions: { preconditions: { uid } } } : {}) };
}

/** Three web pods (two on n1, one on n2) behind a budget of minAvailable 2. */
function webFleet(sim: KubeSim, owner: { kind: string; name: string } = { kind: 'ReplicaSet', name: 'web-7d9f' }) {
  for (const n of ['n1', 'n2', 'n3']) sim.store.createNode(makeNode({ name: n, machineID: n.repeat(16).slice(0, 32) }));
  for (const [i, node] of [[1, 'n1'], [2, 'n1'], [3, 'n2']] as const) {
    sim.store.createPod(makePod({ namespace: 'default', name: `web-${i}`, nodeName: node, owner, labels: { app: 'web' } }));
  }
  sim.store.createPdb(makePdb({ namespace: 'default', name: 'web', selector: { app: 'web' }, minAvailable: 2 }));
}

void t.test('a budget of one allows exactly one eviction; the next is 429 naming the budget', async (t) => {
  const sim = await simFor(t, { graceMsPerSecond: 1000 });
  webFleet(sim);
  const core = kubeConfig(sim).makeApiClient(CoreV1Api);
  const observed = await sim.store.waitFor(() => sim.store.get('poddisruptionbudgets', 'default', 'web')?.status?.observedGeneration === 1 && sim.store.get('poddisruptionbudgets', 'default', 'web'), { description: 'the disruption controller saw the budget' });
  t.match(observed.status, { currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3 }, 'status computed from the pods');

  const uid = sim.store.getPod('default', 'web-1')?.metadata.uid;
  await core.createNamespacedPodEviction({ name: 'web-1', namespace: 'default', body: eviction('web-1', uid) });
  t.equal(sim.requests.count({ subresource: 'eviction', name: 'web-1', status: 201 }), 1, 'answered 201 Created');
  t.ok(sim.store.getPod('default', 'web-1')?.metadata.deletionTimestamp, 'the evicted pod is terminating, not yet gone');

  const refused = await apiError(core.createNamespacedPodEviction({ name: 'web-2', namespace: 'default', body: eviction('web-2') }));
  t.equal(refused.code, 429);
  t.match(refused.status, { reason: 'TooManyRequests', message: "Cannot evict pod as it would violate the pod's disruption budget." });
  t.same(refused.status.details?.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }]);
  t.notOk(sim.store.getPod('default', 'web-2')?.metadata.deletionTimestamp, 'the refused pod is untouched');
  t.match(sim.store.get('poddisruptionbudgets', 'default', 'web')?.status, { currentHealthy: 2, disruptionsAllowed: 0 });
});

void t.test('two evictions sent at once cannot both spend one allowed disruption', async (t) => {
  const sim = await simFor(t);
  webFleet(sim);
  const core = kubeConfig(sim).makeApiClient(CoreV1Api);
  const results = await Promise.allSettled([
    core.createNamespacedPodEviction({ name: 'web-1', namespace: 'default', body: eviction('web-1') }),
    core.createNamespacedPodEviction({ name: 'web-3', namespace: 'default', body: eviction('web-3') }),
  ]);
  t.equal(results.filter((r) => r.status === 'fulfilled').length, 1, 'exactly one succeeds');
});

void t.test('404 for a gone pod, 409 for a uid precondition, 500 for two budgets, no budget check for pending pods', async (t) => {
  const sim = await simFor(t);
  webFleet(sim);
  const core = kubeConfig(sim).makeApiClient(CoreV1Api);
  t.match(await apiError(core.createNamespacedPodEviction({ name: 'ghost', namespace: 'default', body: eviction('ghost') })), { code: 404, status: { reason: 'NotFound' } });
  t.match(await apiError(core.createNamespacedPodEviction({ name: 'web-1', namespace: 'default', body: eviction('web-1', 'not-the-uid') })), {
    code: 409,
    status: { reason: 'Conflict', message: /the UID in the precondition \(not-the-uid\) does not match the UID in record/, details: { kind: 'Pod', name: 'web-1' } },
  });
  t.notOk(sim.store.getPod('default', 'web-1')?.metadata.deletionTimestamp);

  sim.store.createPod(makePod({ namespace: 'default', name: 'queued', labels: { app: 'web' } }));
  sim.store.update('poddisruptionbudgets', { ...makePdb({ namespace: 'default', name: 'web', selector: { app: 'web' }, minAvailable: 4 }), metadata: { name: 'web', namespace: 'default' } });
  await core.createNamespacedPodEviction({ name: 'queued', namespace: 'default', body: eviction('queued') });
  t.notOk(sim.store.getPod('default', 'queued'), 'a Pending pod is deleted at once without a budget check');

  sim.store.createPdb(makePdb({ namespace: 'default', name: 'web-too', selector: { app: 'web' }, maxUnavailable: 1 }));
  const two = await apiError(core.createNamespacedPodEviction({ name: 'web-1', namespace: 'default', body: eviction('web-1') }));
  t.equal(two.code, 500);
  t.equal(two.status.message, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
});

void t.test('graceful deletion: deletionTimestamp first, removal after the scaled grace period', async (t) => {
  const sim = await simFor(t, { graceMsPerSecond: 2 });
  sim.store.createNode(makeNode({ name: 'n1', machineID: 'a'.repeat(32) }));
  const pod = sim.store.createPod(makePod({ namespace: 'default', name: 'p', nodeName: 'n1', terminationGracePeriodSeconds: 30 }));
  const events: string[] = [];
  sim.store.onChange((c) => c.resource === 'pods' && events.push(c.type));
  const core = kubeConfig(sim).makeApiClient(CoreV1Api);
  const stale = await apiError(core.deleteNamespacedPod({ name: 'p', namespace: 'default', body: { preconditions: { resourceVersion: '1' } } }));
  t.equal(stale.code, 409, 'resourceVersion precondition');
  const deleting = await core.deleteNamespacedPod({ name: 'p', namespace: 'default' });
  t.equal(deleting.metadata?.deletionGracePeriodSeconds, 30);
  t.ok(deleting.metadata?.deletionTimestamp);
  await sim.store.waitFor(() => !sim.store.getPod('default', 'p'), { description: 'pod removed' });
  t.same(events, ['MODIFIED', 'DELETED']);
  t.not(pod.metadata.uid, undefined);

  sim.store.createPod(makePod({ namespace: 'default', name: 'unscheduled' }));
  await core.deleteNamespacedPod({ name: 'unscheduled', namespace: 'default' });
  t.notOk(sim.store.getPod('default', 'unscheduled'), 'an unscheduled pod goes at once');
  sim.store.createPod(makePod({ namespace: 'default', name: 'quick', nodeName: 'n1' }));
  await core.deleteNamespacedPod({ name: 'quick', namespace: 'default', gracePeriodSeconds: 0 });
  t.notOk(sim.store.getPod('default', 'quick'), 'gracePeriodSeconds=0 removes at once');
});

void t.test('controllers: a ReplicaSet replacement on another Ready node restores the budget', async (t) => {
  // The replacement turns Ready only when the test says so: no race with the second eviction.
  const sim = await simFor(t, { controllers: { replaceEvicted: true, readyDelayMs: 3_600_000 } });
  webFleet(sim);
  sim.store.updateNode('n3', (n) => void (n.spec.unschedulable = true));
  const core = kubeConfig(sim).makeApiClient(CoreV1Api);
  await core.createNamespacedPodEviction({ name: 'web-1', namespace: 'default', body: eviction('web-1') });
  t.equal((await apiError(core.createNamespacedPodEviction({ name: 'web-2', namespace: 'default', body: eviction('web-2') }))).code, 429);
  const replacement = await sim.store.waitFor(() => sim.store.listPods({ namespace: 'default' }).find((p) => /^web-7d9f-[a-z0-9]{5}$/.test(p.metadata.name ?? '')), { description: 'replacement created' });
  t.equal((await apiError(core.createNamespacedPodEviction({ name: 'web-2', namespace: 'default', body: eviction('web-2') }))).code, 429, 'still 429 while the replacement is not Ready');
  sim.store.setPodReady('default', replacement.metadata.name ?? '', true);
  t.equal(replacement.spec.nodeName, 'n2', 'scheduled on the other schedulable, Ready node (n1 held the pod, n3 is cordoned)');
  await sim.store.waitFor(() => !sim.store.getPod('default', 'web-1'));
  await core.createNamespacedPodEviction({ name: 'web-2', namespace: 'default', body: eviction('web-2') });
  t.ok(sim.store.getPod('default', 'web-2')?.metadata.deletionTimestamp, 'the budget allows the next eviction once the replacement is Ready');
});

void t.test('controllers: a StatefulSet pod comes back with the same name and a new uid', async (t) => {
  const sim = await simFor(t, { controllers: { replaceEvicted: true, readyDelayMs: 0 } });
  webFleet(sim, { kind: 'StatefulSet', name: 'web' });
  const oldUid = sim.store.getPod('default', 'web-1')?.metadata.uid;
  sim.store.deletePod('default', 'web-1');
  const back = await sim.store.waitFor(() => {
    const p = sim.store.getPod('default', 'web-1');
    return p && p.metadata.uid !== oldUid && p.status.phase === 'Running' ? p : undefined;
  });
  t.not(back.metadata.uid, oldUid);
  t.not(back.spec.nodeName, undefined);

  sim.store.createPod(makePod({ namespace: 'kube-system', name: 'agent-n1', nodeName: 'n1', owner: { kind: 'DaemonSet', name: 'agent' } }));
  sim.store.deletePod('kube-system', 'agent-n1', { gracePeriodSeconds: 0 });
  t.same(sim.store.listPods({ namespace: 'kube-system' }), [], 'DaemonSet pods are not moved');
});
