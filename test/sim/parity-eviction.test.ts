// Budgets and evictions as kube-apiserver v1.36 answers them (recorded by test/e2e/parity.e2e.ts).
import t from 'tap';
import type { KubeSim } from '../../src/sim/kube/index.js';
import { makeNode, makePdb, makePod } from '../../src/sim/kube/index.js';
import { raw, simFor } from '../support/sim-helpers.js';

const evict = (sim: KubeSim, name: string, uid?: string) =>
  raw(sim, 'POST', `/api/v1/namespaces/default/pods/${name}/eviction`, {
    body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name }, ...(uid ? { deleteOptions: { preconditions: { uid } } } : {}) },
  });

function webPods(sim: KubeSim): void {
  sim.store.createNode(makeNode({ name: 'n1', machineID: 'a'.repeat(32) }));
  for (const name of ['w0', 'w1']) sim.store.createPod(makePod({ namespace: 'default', name, nodeName: 'n1', labels: { app: 'w' } }));
}

void t.test('a budget created just now: empty status, every eviction refused until the controller computes it', async (t) => {
  const sim = await simFor(t, { pdbSyncDelayMs: 3_600_000 });
  webPods(sim);
  const created = await raw(sim, 'POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', { body: { metadata: { name: 'w' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'w' } } } } });
  t.same(created.json<{ status: unknown }>().status, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }, 'no observedGeneration yet');
  const refused = await evict(sim, 'w0');
  t.equal(refused.status, 429);
  t.equal(refused.headers['retry-after'], '10');
  t.same(refused.json(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: "Cannot evict pod as it would violate the pod's disruption budget.",
    reason: 'TooManyRequests',
    details: { retryAfterSeconds: 10, causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget w is still being processed by the server.' }] },
    code: 429,
  });
});

void t.test('the controller computes the status after the fact, with the DisruptionAllowed condition', async (t) => {
  const sim = await simFor(t);
  webPods(sim);
  sim.store.createPdb(makePdb({ namespace: 'default', name: 'w', selector: { app: 'w' }, minAvailable: 1 }));
  t.notOk(sim.store.get('poddisruptionbudgets', 'default', 'w')?.status?.observedGeneration, 'not at once');
  const pdb = await sim.store.waitFor(() => {
    const p = sim.store.get('poddisruptionbudgets', 'default', 'w');
    return p?.status?.observedGeneration === 1 ? p : undefined;
  });
  t.match(pdb.status, { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2, conditions: [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', observedGeneration: 1, message: '' }] });
});

void t.test('a wrong uid precondition is checked after the budget: 409, and the disruption is spent', async (t) => {
  const sim = await simFor(t);
  webPods(sim);
  sim.store.createPdb(makePdb({ namespace: 'default', name: 'w', selector: { app: 'w' }, minAvailable: 1 }));
  await sim.store.waitFor(() => sim.store.get('poddisruptionbudgets', 'default', 'w')?.status?.observedGeneration === 1);
  const uid = sim.store.getPod('default', 'w0')?.metadata.uid ?? '';
  const conflict = await evict(sim, 'w0', 'nope');
  t.equal(conflict.status, 409);
  t.same(conflict.json(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `Operation cannot be fulfilled on Pod "w0": the UID in the precondition (nope) does not match the UID in record (${uid}). The object might have been deleted and then recreated`,
    reason: 'Conflict',
    details: { name: 'w0', kind: 'Pod' },
    code: 409,
  });
  t.match(sim.store.get('poddisruptionbudgets', 'default', 'w')?.status, { disruptionsAllowed: 0, disruptedPods: { w0: String } }, 'the budget was spent all the same');
  t.notOk(sim.store.getPod('default', 'w0')?.metadata.deletionTimestamp);
  const blocked = await evict(sim, 'w1');
  t.match(blocked.json(), { code: 429, details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget w needs 1 healthy pods and has 1 currently' }] } });
  t.equal(blocked.headers['retry-after'], undefined, 'no Retry-After for a budget with no disruption left');
});

void t.test('a pod under two budgets: a bare 500 Status, no reason, no details', async (t) => {
  const sim = await simFor(t);
  webPods(sim);
  sim.store.createPdb(makePdb({ namespace: 'default', name: 'w', selector: { app: 'w' }, minAvailable: 1 }));
  sim.store.createPdb(makePdb({ namespace: 'default', name: 'w2', selector: { app: 'w' }, minAvailable: 1 }));
  const answer = await evict(sim, 'w0');
  t.equal(answer.status, 500);
  t.same(answer.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', code: 500 });
});

void t.test('a pod created over the API starts Pending whatever status it was sent with, and is evicted without a budget check', async (t) => {
  const sim = await simFor(t);
  webPods(sim);
  sim.store.createPdb(makePdb({ namespace: 'default', name: 'w', selector: { app: 'w' }, minAvailable: 5 }));
  const created = await raw(sim, 'POST', '/api/v1/namespaces/default/pods', { body: { metadata: { name: 'w9', labels: { app: 'w' } }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Running' } } });
  t.match(created.json(), { status: { phase: 'Pending', qosClass: 'BestEffort' }, spec: { terminationGracePeriodSeconds: 30, restartPolicy: 'Always' } });
  await sim.store.waitFor(() => sim.store.get('poddisruptionbudgets', 'default', 'w')?.status?.observedGeneration === 1);
  t.equal((await evict(sim, 'w9')).status, 201);
  t.ok(sim.store.getPod('default', 'w9')?.metadata.deletionTimestamp ?? !sim.store.getPod('default', 'w9'), 'deleted');
  t.same((await evict(sim, 'gone')).json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "gone" not found', reason: 'NotFound', details: { name: 'gone', kind: 'pods' }, code: 404 });
});
