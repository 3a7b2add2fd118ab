// Simulator parity, writes: evictions and budgets, error bodies, validation and defaults; the same requests to a real server and the simulator.
import { readFileSync } from 'node:fs';
import t, { type Test } from 'tap';
import { getPath as at } from '../../src/sim/kube/util.js';
import { makeNode, makePdb, makePod } from '../../src/sim/kube/fixtures.js';
import type { ContractStore } from '../support/contract-store.js';
import { startParityPlane } from '../support/parity-rig.js';
import type { Answer, PatchKind, Side } from '../support/parity-sides.js';
import { normalise } from '../support/parity-sides.js';

const p = await startParityPlane(t);
const node = (name: string) => makeNode({ name, machineID: 'a'.repeat(32) });
const evictionOf = (name: string, uid?: string) => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name }, ...(uid ? { deleteOptions: { preconditions: { uid } } } : {}) });
const evict = (side: Side, name: string, uid?: string) => side.call('POST', `/api/v1/namespaces/default/pods/${name}/eviction`, evictionOf(name, uid));
const pdbBody = (name: string, minAvailable = 1) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec: { minAvailable, selector: { matchLabels: { app: 'w' } } } });

/** Status, normalised body and the Retry-After header must match. */
function same(t: Test, real: Answer, sim: Answer, what: string): void {
  t.equal(sim.status, real.status, `${what}: status`);
  t.equal(sim.headers['retry-after'], real.headers['retry-after'], `${what}: Retry-After`);
  if (!t.same(normalise(sim.body), normalise(real.body), what)) t.comment(`real: ${JSON.stringify(real.body)}\nsim: ${JSON.stringify(sim.body)}`);
}

/** The same call on both sides. */
async function both(sim: Side, method: string, path: string, body?: unknown, patch?: PatchKind): Promise<[Answer, Answer]> {
  return [await p.real.call(method, path, body, patch), await sim.call(method, path, body, patch)];
}

async function webPods(sides: [Side, ContractStore][]): Promise<void> {
  for (const [, store] of sides) {
    await store.createNode(node('n1'));
    for (const name of ['w0', 'w1']) await store.createPod(makePod({ namespace: 'default', name, nodeName: 'n1', labels: { app: 'w' } }));
  }
}

void t.test('a budget created just now: empty status, evictions refused 429 until the controller computes it', async (t) => {
  const { sim, simStore } = await p.fresh(t, { pdbSyncDelayMs: 3_600_000 });
  await webPods([[p.real, p.realStore], [sim, simStore]]);
  const simCreated = await sim.call('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', pdbBody('w'));
  // A wrong uid keeps the pod whatever the budget says: 429 before the controller, 409 after it.
  const simRefused = await evict(sim, 'w0', 'nope');
  // The real controller is quick: create and evict back to back until one eviction comes before it.
  for (let i = 0; i < 20; i++) {
    const created = await p.real.call('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', pdbBody(`w-${i}`));
    const refused = await evict(p.real, 'w0', 'nope');
    await p.real.call('DELETE', `/apis/policy/v1/namespaces/default/poddisruptionbudgets/w-${i}`);
    if (!JSON.stringify(refused.body).includes('still being processed')) continue;
    t.same(normalise(at(simCreated.body, 'status')), normalise(at(created.body, 'status')), 'the status a budget is created with');
    same(t, refused, { ...simRefused, body: JSON.parse(JSON.stringify(simRefused.body).replace('budget w ', `budget w-${i} `)) }, '429 still being processed');
    return;
  }
  t.comment('the real disruption controller was always first: nothing to compare');
});

void t.test('evictions: 409 for a wrong uid (the budget spent all the same), 429 naming the budget, 500 under two budgets, 404, Pending pods', async (t) => {
  const { sim, simStore } = await p.fresh(t);
  const sides: [Side, ContractStore][] = [[p.real, p.realStore], [sim, simStore]];
  await webPods(sides);
  const uids: Record<string, string> = {};
  for (const [side, store] of sides) {
    await store.createPdb(makePdb({ namespace: 'default', name: 'w', selector: { app: 'w' }, minAvailable: 1 }));
    uids[side.name] = (await store.getPod('default', 'w0'))?.metadata.uid ?? '';
  }
  const [realConflict, simConflict] = [await evict(p.real, 'w0', 'nope'), await evict(sim, 'w0', 'nope')];
  same(t, realConflict, simConflict, '409 wrong uid');
  for (const [side, store] of sides) {
    const spent = await store.waitFor(async () => {
      const answer = await side.call('GET', '/apis/policy/v1/namespaces/default/poddisruptionbudgets/w');
      return at(answer.body, 'status.disruptedPods') ? answer.body : undefined;
    }, 'the budget records w0 as disrupted');
    t.match(spent, { status: { disruptionsAllowed: 0, disruptedPods: { w0: String } } }, `${side.name}: a failed precondition spends the disruption`);
  }
  const [realBlocked, simBlocked] = await Promise.all([evict(p.real, 'w1'), evict(sim, 'w1')]);
  same(t, realBlocked, simBlocked, '429 needs healthy pods');
  const [realStatus, simStatus] = await both(sim, 'GET', '/apis/policy/v1/namespaces/default/poddisruptionbudgets/w');
  t.same(normalise(at(simStatus.body, 'status')), normalise(at(realStatus.body, 'status')), 'the budget status, conditions included');

  await both(sim, 'POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', pdbBody('w2'));
  const [realTwo, simTwo] = await both(sim, 'POST', '/api/v1/namespaces/default/pods/w1/eviction', evictionOf('w1'));
  same(t, realTwo, simTwo, '500 under two budgets');
  const [realGone, simGone] = await both(sim, 'POST', '/api/v1/namespaces/default/pods/gone/eviction', evictionOf('gone'));
  same(t, realGone, simGone, '404 for a gone pod');

  const pending = { metadata: { name: 'w9', labels: { app: 'w' } }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Running' } };
  const [realPod, simPod] = await both(sim, 'POST', '/api/v1/namespaces/default/pods', pending);
  t.same(at(simPod.body, 'status'), at(realPod.body, 'status'), 'a created pod is Pending whatever status it was sent with');
  for (const k of ['restartPolicy', 'terminationGracePeriodSeconds', 'dnsPolicy', 'schedulerName', 'tolerations', 'priority', 'enableServiceLinks', 'preemptionPolicy']) {
    t.same(at(simPod.body, `spec.${k}`), at(realPod.body, `spec.${k}`), `pod default spec.${k}`);
  }
  const [realEvicted, simEvicted] = await both(sim, 'POST', '/api/v1/namespaces/default/pods/w9/eviction', evictionOf('w9'));
  same(t, realEvicted, simEvicted, 'a Pending pod is evicted without a budget check');
});

void t.test('error bodies: 404, 409 AlreadyExists and Conflict, 422, 403', async (t) => {
  const { sim, simStore } = await p.fresh(t);
  for (const store of [p.realStore, simStore]) await store.createNode(node('e1'));
  const cases: [string, string, unknown?, PatchKind?][] = [
    ['GET', '/api/v1/nodes/nope'],
    ['GET', '/api/v1/namespaces/default/pods/nope'],
    ['GET', '/apis/coordination.k8s.io/v1/namespaces/reboot-manager/leases/nope'],
    ['POST', '/api/v1/nodes', { metadata: { name: 'e1' } }],
    ['PATCH', '/api/v1/nodes/e1', { metadata: { resourceVersion: '1', labels: { a: 'b' } } }, 'merge'],
    ['PATCH', '/api/v1/nodes/e1', { metadata: { annotations: { 'bad key!': 'v' } } }, 'merge'],
    ['PATCH', '/api/v1/nodes/e1', { metadata: { labels: { ok: 'bad value!' } } }, 'merge'],
    ['POST', '/api/v1/nodes', { metadata: { name: 'Bad_Name' } }],
    ['DELETE', '/api/v1/nodes/e1', { preconditions: { uid: 'nope' } }],
  ];
  for (const [method, path, body, patch] of cases) {
    const [real, simmed] = await both(sim, method, path, body, patch);
    same(t, real, simmed, `${method} ${path} ${JSON.stringify(body ?? '')}`);
  }
  await p.real.call('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'parity' } });
  const kubeconfig = await p.plane.serviceAccountKubeconfig('default', 'parity');
  const token = /token: (\S+)/.exec(readFileSync(kubeconfig, 'utf8'))?.[1] ?? '';
  const simToken = sim.tokenOf({ serviceAccount: { namespace: 'default', name: 'parity' } });
  for (const [method, path, body, patch] of [['GET', '/api/v1/namespaces/default/pods'], ['PATCH', '/api/v1/nodes/e1', {}, 'merge']] as [string, string, unknown?, PatchKind?][]) {
    same(t, await p.real.call(method, path, body, patch, token), await sim.call(method, path, body, patch, simToken), `403 ${method} ${path}`);
  }
});

void t.test('validation and defaults the product touches', async (t) => {
  const { sim, simStore } = await p.fresh(t);
  for (const store of [p.realStore, simStore]) await store.createNode(node('v1'));
  const lease = (name: string, spec: object) => ['POST', '/apis/coordination.k8s.io/v1/namespaces/reboot-manager/leases', { metadata: { name }, spec: { holderIdentity: 'a', ...spec } }] as const;
  for (const [method, path, body] of [
    lease('l1', { renewTime: '2026-01-01T00:00:00Z' }),
    lease('l2', { acquireTime: '2026-01-01T00:00:00.123Z' }),
    lease('l3', { renewTime: '2026-01-01T00:00:00.1234567Z' }),
    lease('l4', { leaseDurationSeconds: 0, leaseTransitions: -1 }),
    lease('l5', { leaseDurationSeconds: 15, renewTime: '2026-01-01T00:00:00.000000Z' }),
  ]) {
    const [real, simmed] = await both(sim, method, path, body);
    same(t, real, simmed, `Lease ${JSON.stringify(body.spec)}`);
  }
  const event = () => ({ metadata: { name: 'v1.abc' }, involvedObject: { apiVersion: 'v1', kind: 'Node', name: 'v1', uid: 'u' }, type: 'Normal', reason: 'Cordoned', message: 'm', source: { component: 'reboot-manager' }, reportingComponent: 'reboot-manager', reportingInstance: 'r', firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:00:00Z', count: 1 });
  const [realEvent, simEvent] = await both(sim, 'POST', '/api/v1/namespaces/default/events', event());
  same(t, realEvent, simEvent, 'an Event about a Node in default');
  const [realElsewhere, simElsewhere] = await both(sim, 'POST', '/api/v1/namespaces/reboot-manager/events', event());
  t.equal(realElsewhere.status, 422, 'the real server refuses an Event about a Node outside default');
  same(t, realElsewhere, simElsewhere, 'the simulator refuses it in the same words');

  const status = { status: { nodeInfo: { machineID: 'x', bootID: 'b' }, conditions: [{ type: 'Ready', status: 'True' }] } };
  const [realNode, simNode] = await both(sim, 'POST', '/api/v1/nodes', { metadata: { name: 'with-status' }, ...status });
  t.match(realNode.body, status, 'real: a Node keeps the status it is created with');
  t.match(simNode.body, status, 'sim: the same');
  for (const side of [p.real, sim]) {
    await side.call('PATCH', '/api/v1/nodes/with-status/status', { status: { nodeInfo: { bootID: 'b2' } } }, 'merge');
    // The node lifecycle controller may write the Node (taints) between two calls: retry until none did.
    let kept = false;
    for (let attempt = 0; attempt < 5 && !kept; attempt++) {
      const before = await side.call('GET', '/api/v1/nodes/with-status');
      const again = await side.call('PATCH', '/api/v1/nodes/with-status/status', { status: { nodeInfo: { bootID: 'b2' } } }, 'merge');
      kept = at(again.body, 'metadata.resourceVersion') === at(before.body, 'metadata.resourceVersion');
    }
    t.ok(kept, `${side.name}: a status write that changes nothing keeps the version`);
  }
});
