// MemoryKubeApi: the shared KubeApi contract, then what only the in-process API has: faults, views, closing.
import t from 'tap';
import type { ApiCall, ApiFaults, CallFault } from '../../src/sim/kube/memory-api.js';
import { createMemoryCluster, faultErrors, noFaults } from '../../src/sim/kube/memory-api.js';
import { makeNode } from '../../src/sim/kube/fixtures.js';
import { names, recordWatch, rejection } from '../support/api-watch.js';
import { simContractStore } from '../support/contract-store.js';
import { kubeApiContract } from '../support/kube-api-contract.js';

const node = (name: string) => makeNode({ name, machineID: 'a'.repeat(32) });

void t.test('the KubeApi contract, in process', async (t) => {
  kubeApiContract(t, async (t, opts) => {
    const cluster = createMemoryCluster(opts);
    t.teardown(() => cluster.close());
    return { api: cluster.api(), store: simContractStore(cluster.store) };
  });
});

/** Faults that answer calls from a script (first match wins) and otherwise serve them normally. */
function scripted(rules: { match: Partial<ApiCall>; fault: CallFault }[]): ApiFaults & { calls: ApiCall[] } {
  const calls: ApiCall[] = [];
  return {
    calls,
    onCall(call) {
      calls.push(call);
      const rule = rules.find((r) => Object.entries(r.match).every(([k, v]) => call[k as keyof ApiCall] === v));
      return rule?.fault ?? { kind: 'none' };
    },
    onWatchEvent: noFaults.onWatchEvent,
  };
}

void t.test('a lost answer: the write is applied, the caller gets a timeout', async (t) => {
  const cluster = createMemoryCluster();
  t.teardown(() => cluster.close());
  cluster.store.createNode(node('n1'));
  const faults = scripted([{ match: { verb: 'patch' }, fault: { kind: 'lost-answer' } }]);
  const api = cluster.api({ faults });
  const err = await rejection(api.patchNode('n1', { spec: { unschedulable: true } }));
  t.equal(err.code, 'timeout');
  t.equal(cluster.store.getNode('n1')?.spec.unschedulable, true, 'applied all the same');
  t.same(faults.calls, [{ verb: 'patch', resource: 'nodes', name: 'n1' }], 'the fault source saw the call');
});

void t.test('a failed call applies nothing; throttling is a 429 without a budget cause', async (t) => {
  const cluster = createMemoryCluster();
  t.teardown(() => cluster.close());
  const p = cluster.store.createPod(makePodOn('p', 'n1'));
  const api = cluster.api({
    faults: scripted([
      { match: { verb: 'evict' }, fault: { kind: 'fail', error: faultErrors.throttled(2) } },
      { match: { verb: 'create', resource: 'leases' }, fault: { kind: 'fail', error: faultErrors.unavailable() } },
    ]),
  });
  const throttled = await rejection(api.evictPod('default', 'p', p.metadata.uid ?? ''));
  t.match(throttled, { code: 'throttled', status: 429, reason: 'TooManyRequests', retryAfterSeconds: 2 });
  t.same(throttled.causes, [], 'no DisruptionBudget cause: plain API throttling');
  t.notOk(cluster.store.getPod('default', 'p')?.metadata.deletionTimestamp, 'not evicted');
  const lease = { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: undefined, renewTime: undefined, leaseTransitions: 0 };
  t.match(await rejection(api.createLease('reboot-manager', 'leader', lease)), { code: 'unavailable', status: 503 });
  t.equal(cluster.store.get('leases', 'reboot-manager', 'leader'), undefined, 'not created');
});

void t.test('each view has its own faults over the one shared cluster', async (t) => {
  const cluster = createMemoryCluster();
  t.teardown(() => cluster.close());
  cluster.store.createNode(node('n1'));
  const broken = cluster.api({ faults: scripted([{ match: { verb: 'get' }, fault: { kind: 'fail', error: faultErrors.unavailable() } }]), origin: 'memory://replica-a' });
  const healthy = cluster.api({ origin: 'memory://replica-b' });
  t.equal(broken.origin, 'memory://replica-a');
  t.match(await rejection(broken.readNode('n1')), { code: 'unavailable' });
  await healthy.patchNode('n1', { metadata: { labels: { seen: 'yes' } } });
  t.match(await healthy.readNode('n1'), { metadata: { labels: { seen: 'yes' } } });
});

void t.test('lease validation as the API server does it: MicroTime and a positive duration', async (t) => {
  const cluster = createMemoryCluster();
  t.teardown(() => cluster.close());
  const api = cluster.api();
  const base = { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: undefined, leaseTransitions: 0 };
  t.match(await rejection(api.createLease('reboot-manager', 'l', { ...base, renewTime: '2026-01-01T00:00:00Z' })), { code: 'invalid', status: 400 });
  t.match(await rejection(api.createLease('reboot-manager', 'l', { ...base, renewTime: undefined, leaseDurationSeconds: 0 })), { code: 'invalid', status: 422, reason: 'Invalid' });
  t.match(await rejection(api.createLease('no-such-namespace', 'l', { ...base, renewTime: undefined })), { code: 'not_found', status: 404 });
});

void t.test('a watch the server cannot serve is refused, not opened: 400 for a bad selector or version', async (t) => {
  const cluster = createMemoryCluster();
  t.teardown(() => cluster.close());
  const api = cluster.api();
  t.match(await rejection(api.watch('pods', { resourceVersion: '', fieldSelector: 'spec.nodeName' }, () => {}, () => {})), { code: 'invalid', status: 400 });
  t.match(await rejection(api.watch('nodes', { resourceVersion: 'abc' }, () => {}, () => {})), { code: 'invalid', status: 400 });
  t.equal(cluster.openWatches(), 0);
});

void t.test('a closed cluster stops its watches quietly and fails later calls', async (t) => {
  const cluster = createMemoryCluster();
  const api = cluster.api();
  const w = await recordWatch(api, 'nodes', { resourceVersion: cluster.store.resourceVersion() });
  t.equal(cluster.openWatches(), 1);
  cluster.close();
  t.equal(cluster.openWatches(), 0);
  t.match(await rejection(api.readNode('n1')), { code: 'unavailable' });
  t.equal(w.isDone(), false, 'no onDone after close');
  t.same(names(w.events), []);
});

function makePodOn(name: string, nodeName: string) {
  return { metadata: { name, namespace: 'default' }, spec: { nodeName, containers: [{ name: 'main' }] }, status: { phase: 'Running' } };
}
