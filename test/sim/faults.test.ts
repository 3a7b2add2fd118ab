// Fault injection (status, Retry-After, latency, dropped connections) and request counting.
import { CoreV1Api } from '@kubernetes/client-node';
import t from 'tap';
import { makeNode } from '../../src/sim/kube/index.js';
import { apiError, kubeConfig, raw, SA, simFor } from '../support/sim-helpers.js';

void t.test('an injected 500 for a number of calls, then normal service', async (t) => {
  const sim = await simFor(t);
  sim.store.createNode(makeNode({ name: 'n1', machineID: 'a'.repeat(32) }));
  const core = kubeConfig(sim).makeApiClient(CoreV1Api);
  const fault = sim.faults.inject({ verb: 'get', resource: 'nodes', name: 'n1', status: 500, times: 2 });
  t.match(await apiError(core.readNode({ name: 'n1' })), { code: 500, status: { kind: 'Status', reason: 'InternalError', code: 500 } });
  t.equal((await apiError(core.readNode({ name: 'n1' }))).code, 500);
  t.equal((await core.readNode({ name: 'n1' })).metadata?.name, 'n1', 'the third call succeeds');
  t.equal(fault.hits, 2);
  t.equal((await core.listNode()).items.length, 1, 'other verbs were never affected');
});

void t.test('429 with Retry-After, only for the chosen user', async (t) => {
  const sim = await simFor(t);
  sim.store.createNode(makeNode({ name: 'n1', machineID: 'a'.repeat(32) }));
  const handle = sim.faults.inject({ resource: 'nodes', user: 'system:serviceaccount:reboot-manager:reboot-manager', status: 429, retryAfterSeconds: 3 });
  const throttled = await apiError(kubeConfig(sim, SA).makeApiClient(CoreV1Api).listNode());
  t.equal(throttled.code, 429);
  t.equal(throttled.headers['retry-after'], '3');
  t.match(throttled.status, { reason: 'TooManyRequests', details: { retryAfterSeconds: 3 } });
  t.equal((await kubeConfig(sim).makeApiClient(CoreV1Api).listNode()).items.length, 1, 'admin is not throttled');
  handle.remove();
  t.equal((await kubeConfig(sim, SA).makeApiClient(CoreV1Api).listNode()).items.length, 1, 'removed faults stop applying');
  t.equal(sim.rbac.usedRules().flatMap((r) => r.verbs).filter((v) => v === 'list').length, 1, 'a faulted call does not count as a use of the rule');
});

void t.test('latency delays one call without holding up others', async (t) => {
  const sim = await simFor(t);
  sim.store.createNode(makeNode({ name: 'slow', machineID: 'a'.repeat(32) }));
  sim.store.createNode(makeNode({ name: 'fast', machineID: 'b'.repeat(32) }));
  sim.faults.inject({ name: 'slow', delayMs: 300 });
  const order: string[] = [];
  const core = kubeConfig(sim).makeApiClient(CoreV1Api);
  const slow = core.readNode({ name: 'slow' }).then((n) => order.push(n.metadata?.name ?? ''));
  const fast = core.readNode({ name: 'fast' }).then((n) => order.push(n.metadata?.name ?? ''));
  await Promise.all([slow, fast]);
  t.same(order, ['fast', 'slow'], 'the delayed answer arrives last, and intact');
});

void t.test('a dropped connection fails the call without an answer', async (t) => {
  const sim = await simFor(t);
  sim.faults.inject({ resource: 'nodes', drop: true, times: 1 });
  const err = await raw(sim, 'GET', '/api/v1/nodes').then(
    () => undefined,
    (e: unknown) => e,
  );
  t.match(err, { code: 'ECONNRESET' });
  t.equal((await raw(sim, 'GET', '/api/v1/nodes')).status, 200);
  t.equal(sim.requests.count({ resource: 'nodes', status: 0 }), 1, 'recorded with status 0');
});

void t.test('request counting', async (t) => {
  const sim = await simFor(t);
  sim.store.createNode(makeNode({ name: 'n1', machineID: 'a'.repeat(32) }));
  const core = kubeConfig(sim, SA).makeApiClient(CoreV1Api);
  await core.readNode({ name: 'n1' });
  await core.readNode({ name: 'n1' });
  await core.listNode();
  await apiError(core.deleteNode({ name: 'n1' }));
  const user = 'system:serviceaccount:reboot-manager:reboot-manager';
  t.equal(sim.requests.count({ verb: 'get', resource: 'nodes', name: 'n1', user }), 2);
  t.equal(sim.requests.count({ verb: 'list', resource: 'nodes' }), 1);
  t.equal(sim.requests.count({ verb: 'delete', status: 403 }), 1);
  t.equal(sim.requests.count(), 4);
  sim.requests.reset();
  t.equal(sim.requests.count(), 0);
});
