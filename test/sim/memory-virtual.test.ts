// MemoryKubeApi under a VirtualClock: nothing happens until the clock moves, the machinery keeps virtual time,
// watch faults keep order, and the same script gives the same story without touching real time.
import t from 'tap';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import type { WatchEventFault } from '../../src/sim/kube/memory-api.js';
import { createMemoryCluster, noFaults } from '../../src/sim/kube/memory-api.js';
import { makeNode, makePdb, makePod } from '../../src/sim/kube/fixtures.js';
import { names, recordWatch, rejection } from '../support/api-watch.js';
import { guardRealTime, runFor, turn } from '../support/virtual-time.js';

const START = Date.UTC(2026, 0, 1);
const owner = { kind: 'ReplicaSet', name: 'web-rs', uid: 'rs-uid' };

void t.test('nothing is answered or delivered until the clock is advanced', async (t) => {
  const clock = new VirtualClock(START);
  const cluster = createMemoryCluster({ clock });
  t.teardown(() => cluster.close());
  cluster.store.createNode(makeNode({ name: 'n1', machineID: 'a'.repeat(32), clock }));
  const api = cluster.api();
  let answered = false;
  const read = api.readNode('n1').then(() => (answered = true));
  const watching = recordWatch(api, 'nodes', { resourceVersion: cluster.store.resourceVersion() });
  await turn();
  t.equal(answered, false, 'no answer inside the call or on the next turn');
  t.equal(cluster.openWatches(), 0, 'the watch is not open yet');
  await runFor(clock, 0);
  t.equal(await read, true);
  const w = await watching;
  cluster.store.setNodeReady('n1', false);
  await turn();
  t.same(w.events, [], 'the event waits for the clock');
  await runFor(clock, 0);
  t.same(names(w.events), ['MODIFIED n1']);
  t.equal(clock.now(), START, 'and no virtual time passed: zero latency by default');
});

void t.test('grace periods, controller delays and every timestamp follow the virtual clock', async (t) => {
  const clock = new VirtualClock(START);
  const cluster = createMemoryCluster({ clock, graceMsPerSecond: 1000, controllers: { replaceEvicted: true, readyDelayMs: 5000 } });
  t.teardown(() => cluster.close());
  const { store } = cluster;
  for (const name of ['n1', 'n2']) store.createNode(makeNode({ name, machineID: 'a'.repeat(32), clock }));
  const web0 = store.createPod(makePod({ namespace: 'default', name: 'web-0', nodeName: 'n1', owner, labels: { app: 'web' }, terminationGracePeriodSeconds: 30, clock }));
  store.createPod(makePod({ namespace: 'default', name: 'web-1', nodeName: 'n2', owner, labels: { app: 'web' }, clock }));
  store.createPdb(makePdb({ namespace: 'default', name: 'web', selector: { app: 'web' }, minAvailable: 1 }));
  t.equal(web0.metadata.creationTimestamp, '2026-01-01T00:00:00Z');

  await runFor(clock, 1000);
  const evicted = cluster.api().evictPod('default', 'web-0', web0.metadata.uid ?? '');
  await runFor(clock, 0);
  await evicted;
  t.equal(store.getPod('default', 'web-0')?.metadata.deletionTimestamp, '2026-01-01T00:00:31Z', 'due 30 virtual seconds after the eviction');
  // The disruption controller forgets a terminating pod's disruption; its condition records when the budget ran out.
  t.match(store.get('poddisruptionbudgets', 'default', 'web')?.status, { disruptionsAllowed: 0, conditions: [{ type: 'DisruptionAllowed', status: 'False', lastTransitionTime: '2026-01-01T00:00:01Z' }] });
  const replacement = store.listPods({ labelSelector: 'app=web' }).find((p) => p.metadata.name?.startsWith('web-rs-'));
  t.equal(replacement?.spec.nodeName, 'n2', 'the ReplicaSet replacement is bound at once');

  await runFor(clock, 4999);
  t.notOk(store.getPod('default', replacement?.metadata.name ?? '')?.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'), 'not Ready before its delay');
  await runFor(clock, 1);
  t.ok(store.getPod('default', replacement?.metadata.name ?? '')?.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'), 'Ready after 5 virtual seconds');
  await runFor(clock, 30_000 - 5000 - 1);
  t.ok(store.getPod('default', 'web-0'), 'still terminating 1 ms before its grace period ends');
  await runFor(clock, 1);
  t.equal(store.getPod('default', 'web-0'), undefined, 'gone when it ends');
});

void t.test('watch lag keeps the order; a dropped event ends the watch with an error', async (t) => {
  const clock = new VirtualClock(START);
  const cluster = createMemoryCluster({ clock });
  t.teardown(() => cluster.close());
  const script: WatchEventFault[] = [{ delayMs: 30 }, { delayMs: 20 }, { delayMs: 10 }, { drop: true }];
  const api = cluster.api({ faults: { onCall: noFaults.onCall, onWatchEvent: () => script.shift() ?? { delayMs: 0 } } });
  const watching = recordWatch(api, 'nodes', { resourceVersion: cluster.store.resourceVersion() });
  await runFor(clock, 0);
  const w = await watching;
  cluster.store.createNode(makeNode({ name: 'n1', machineID: 'a'.repeat(32), clock }));
  cluster.store.setNodeReady('n1', false);
  cluster.store.deleteNode('n1');
  cluster.store.createNode(makeNode({ name: 'n2', machineID: 'a'.repeat(32), clock }));
  cluster.store.createNode(makeNode({ name: 'n3', machineID: 'a'.repeat(32), clock }));
  await runFor(clock, 29);
  t.same(w.events, [], 'the first event is late, and nothing overtakes it');
  await runFor(clock, 1);
  t.same(names(w.events), ['ADDED n1', 'MODIFIED n1', 'DELETED n1'], 'in order, later events waiting for earlier ones');
  t.match((await w.done).err, { name: 'KubeError', code: 'unavailable' }, 'the drop ends the watch with an error');
  t.equal(cluster.openWatches(), 0);
});

void t.test('timeoutSeconds ends a watch cleanly in virtual time, after what is in flight', async (t) => {
  const clock = new VirtualClock(START);
  const cluster = createMemoryCluster({ clock });
  t.teardown(() => cluster.close());
  const api = cluster.api({ faults: { onCall: noFaults.onCall, onWatchEvent: () => ({ delayMs: 500 }) } });
  const watching = recordWatch(api, 'nodes', { resourceVersion: '', timeoutSeconds: 60 });
  await runFor(clock, 0);
  const w = await watching;
  await runFor(clock, 59_900);
  cluster.store.createNode(makeNode({ name: 'n1', machineID: 'a'.repeat(32), clock }));
  await runFor(clock, 99);
  t.equal(w.isDone(), false, 'open until its timeout');
  await runFor(clock, 1);
  t.equal(w.isDone(), false, 'the lagging event is still in flight');
  await runFor(clock, 400);
  t.same(names(w.events), ['ADDED n1'], 'delivered before the end');
  t.notOk((await w.done).err, 'then a clean end: the client watches again from where it was');
});

/** A short rollout step on a virtual clock; returns what a client saw, with the random parts masked. */
async function rollout(): Promise<string[]> {
  const clock = new VirtualClock(START);
  const cluster = createMemoryCluster({ clock, graceMsPerSecond: 1000, controllers: { replaceEvicted: true, readyDelayMs: 2000 } });
  const { store } = cluster;
  const log: string[] = [];
  const at = () => `+${clock.now() - START}ms`;
  for (const name of ['n1', 'n2']) store.createNode(makeNode({ name, machineID: 'a'.repeat(32), clock }));
  for (const [name, node] of [['web-0', 'n1'], ['web-1', 'n2']] as const) store.createPod(makePod({ namespace: 'default', name, nodeName: node, owner, labels: { app: 'web' }, clock }));
  store.createPdb(makePdb({ namespace: 'default', name: 'web', selector: { app: 'web' }, minAvailable: 1 }));
  const api = cluster.api({ faults: { onCall: () => ({ kind: 'none', latencyMs: 5 }), onWatchEvent: () => ({ delayMs: 3 }) } });
  const mask = (name = '') => name.replace(/-[bcdfghjklmnpqrstvwxz2456789]{5}$/, '-*');
  const watching = api.watch('pods', { resourceVersion: store.resourceVersion() }, (type, o) => {
    const m = (o as { metadata: { name?: string; resourceVersion?: string; deletionTimestamp?: string } }).metadata;
    log.push(`${at()} ${type} ${mask(m.name)} rv=${m.resourceVersion} ${m.deletionTimestamp ?? ''}`);
  }, () => log.push(`${at()} watch ended`));
  const step = async <T>(what: string, p: Promise<T>, ms = 5): Promise<void> => {
    const outcome = p.then(() => 'ok', (e: Error) => e.message);
    await runFor(clock, ms);
    log.push(`${at()} ${what}: ${await outcome}`);
  };
  await step('watch', watching);
  const pods = store.listPods({ labelSelector: 'app=web' });
  await step('cordon n1', api.patchNode('n1', { spec: { unschedulable: true } }));
  await step('evict web-0', api.evictPod('default', 'web-0', pods[0]?.metadata.uid ?? ''));
  await step('evict web-1', api.evictPod('default', 'web-1', pods[1]?.metadata.uid ?? ''));
  await runFor(clock, 2000);
  await step('evict web-1 again', api.evictPod('default', 'web-1', pods[1]?.metadata.uid ?? ''));
  await step('lease', api.createLease('reboot-manager', 'leader', { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: undefined, renewTime: undefined, leaseTransitions: 0 }));
  await runFor(clock, 60_000);
  log.push(`${at()} pods: ${store.listPods().map((p) => `${mask(p.metadata.name)}@${p.spec.nodeName ?? ''}`).join(' ')}`);
  cluster.close();
  return log;
}

void t.test('the same script gives the same story, and the simulator never reads real time', async (t) => {
  const guard = guardRealTime();
  let first: string[];
  let second: string[];
  try {
    first = await rollout();
    second = await rollout();
  } finally {
    guard.restore();
  }
  t.same(guard.violations, [], 'no real timer, Date.now or new Date() from simulator code');
  t.same(second, first, 'deterministic');
  t.ok(first.some((l) => /evict web-1: .*429 TooManyRequests/.test(l)), 'the budget refused the second eviction at first');
  t.ok(first.some((l) => /evict web-1 again: ok/.test(l)), 'and allowed it once the replacement was Ready');
  t.match(first.at(-1), /pods: web-rs-\*@n2 web-rs-\*@n2$/, 'both replaced on the node left schedulable');
});

void t.test('a request that failed at the clock still fails the same way: 404 through the clock', async (t) => {
  const clock = new VirtualClock(START);
  const cluster = createMemoryCluster({ clock });
  t.teardown(() => cluster.close());
  const read = rejection(cluster.api().readNode('nope'));
  await runFor(clock, 0);
  t.match(await read, { code: 'not_found', status: 404 });
});
