// The KubeApi contract as cases any implementation must pass: the REST client against the HTTP simulator and
// MemoryKubeApi run the same ones, so the in-process API cannot drift from what the wire gives.
import type { Test } from 'tap';
import type { KubeApi, LeaseRecord } from '../../src/kube/api.js';
import { makeNode, makePdb, makePod } from '../../src/sim/kube/fixtures.js';
import type { RecordedEvent, WatchRecorder } from './api-watch.js';
import { names, recordWatch, rejection } from './api-watch.js';
import type { ContractStore } from './contract-store.js';

export interface ContractRig {
  readonly api: KubeApi;
  /** The cluster behind `api`, to seed and inspect it. */
  readonly store: ContractStore;
}

/** A fresh cluster per case (a real one: emptied); `historyLimit` as in startKubeSim. */
export type MakeRig = (t: Test, opts: { historyLimit?: number }) => Promise<ContractRig>;

const node = (name: string) => makeNode({ name, machineID: 'a'.repeat(32) });
const pod = (name: string, nodeName: string, namespace = 'default', labels: Record<string, string> = {}) => makePod({ namespace, name, nodeName, labels });
const nameOf = (o: unknown): string | undefined => (o as { metadata?: { name?: string } }).metadata?.name;
const rvOf = (o: unknown): string => (o as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion ?? '';

/** Lease times survive a Date round trip in the REST client only with whole milliseconds. */
const LEASE: LeaseRecord = { holderIdentity: 'replica-a', leaseDurationSeconds: 15, acquireTime: '2026-01-01T00:00:00.000000Z', renewTime: '2026-01-01T00:00:05.000000Z', leaseTransitions: 0 };

/** A node's events up to and including its DELETED: on a real cluster controllers may write it in between (taints). */
async function untilDeleted(w: WatchRecorder, name: string): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for (let e = await w.next(); ; e = await w.next()) {
    if (e.object.metadata?.name !== name) continue;
    out.push(e);
    if (e.type === 'DELETED' || e.type === 'ERROR') return out;
  }
}

const readyOf = (e: RecordedEvent): string | undefined => ((e.object as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? []).find((c) => c.type === 'Ready')?.status;

export function kubeApiContract(t: Test, makeRig: MakeRig): void {
  void t.test('list: pages in key order from one snapshot, fieldSelector on pods, plain copies', async (t) => {
    const { api, store } = await makeRig(t, {});
    for (let i = 0; i < 5; i++) await store.createNode(node(`n${i}`));
    const first = await api.list('nodes', { limit: 2 });
    await store.createNode(node('n9'));
    const seen = first.items.map(nameOf);
    const versions = [first.resourceVersion];
    for (let token = first.continueToken; token; ) {
      const page = await api.list('nodes', { limit: 2, continue: token });
      seen.push(...page.items.map(nameOf));
      versions.push(page.resourceVersion);
      token = page.continueToken;
    }
    t.same(seen, ['n0', 'n1', 'n2', 'n3', 'n4'], 'every node once, in order; n9 came after the first page');
    t.same(new Set(versions).size, 1, 'every page carries the first page\'s resourceVersion');

    await store.createPod(pod('a', 'n1'));
    await store.createPod(pod('b', 'n2'));
    await store.createPod(pod('c', 'n1', 'kube-system'));
    const onN1 = await api.list('pods', { fieldSelector: 'spec.nodeName=n1' });
    t.same(onN1.items.map((p) => `${(p as { metadata: { namespace: string } }).metadata.namespace}/${nameOf(p)}`), ['default/a', 'kube-system/c']);
    t.equal(onN1.continueToken, undefined);
    (onN1.items[0] as { metadata: { name: string } }).metadata.name = 'mutated';
    t.equal((await store.getPod('default', 'a'))?.metadata.name, 'a', 'answers are copies');
  });

  void t.test('readNode and patchNode: merge patch, resourceVersion compare-and-swap, 404', async (t) => {
    const { api, store } = await makeRig(t, {});
    await store.createNode(node('n1'));
    // A real cluster's controllers may still be writing the new node: take the version from a read.
    const created = (await api.readNode('n1')) as { metadata: { resourceVersion?: string } };
    t.equal(nameOf(created), 'n1');
    t.match(await rejection(api.readNode('nope')), { code: 'not_found', status: 404, reason: 'NotFound' });

    const cordoned = await api.patchNode('n1', { spec: { unschedulable: true }, metadata: { resourceVersion: created.metadata.resourceVersion } });
    t.equal((cordoned as { spec: { unschedulable?: boolean } }).spec.unschedulable, true, 'applied when the version matches');
    const stale = await rejection(api.patchNode('n1', { spec: { unschedulable: null }, metadata: { resourceVersion: created.metadata.resourceVersion } }));
    t.match(stale, { code: 'conflict', status: 409, reason: 'Conflict' });
    t.equal((await store.getNode('n1'))?.spec.unschedulable, true, 'a refused compare-and-swap changes nothing');
    const lww = await api.patchNode('n1', { metadata: { annotations: { a: 'b' } } });
    t.ok(Number(rvOf(lww)) > Number(rvOf(cordoned)), 'without a version: last writer wins');
    t.match(await rejection(api.patchNode('nope', { spec: {} })), { code: 'not_found', status: 404 });
  });

  void t.test("patchNodeStatus: conditions merge by type, the kubelet's stay; resourceVersion compare-and-swap", async (t) => {
    const { api, store } = await makeRig(t, {});
    await store.createNode(node('n1'));
    const before = (await api.readNode('n1')) as { metadata: { resourceVersion?: string } };
    const created = await store.getNode('n1');
    const kubelet = created?.status.conditions;
    const at = '2026-01-01T00:00:00Z';
    const planned = { type: 'MaintenancePlanned', status: 'True', reason: 'RebootRequested', message: 'held', lastTransitionTime: at, lastHeartbeatTime: at };
    await api.patchNodeStatus('n1', { metadata: { resourceVersion: before.metadata.resourceVersion }, status: { conditions: [planned] } });
    const stored = await store.getNode('n1');
    const conditions = (stored?.status.conditions ?? []) as unknown as Record<string, unknown>[];
    t.same(conditions.filter((c) => c.type !== 'MaintenancePlanned'), kubelet, "every condition of the kubelet's is as it was");
    t.same(conditions.find((c) => c.type === 'MaintenancePlanned'), planned, 'ours is added');
    t.same(stored?.metadata.annotations, created?.metadata.annotations, 'metadata is not written');

    await api.patchNodeStatus('n1', { status: { conditions: [{ type: 'MaintenancePlanned', status: 'True', reason: 'RebootRequested', message: 'held since noon' }] } });
    const renamed = ((await store.getNode('n1'))?.status.conditions ?? []).find((c) => c.type === 'MaintenancePlanned');
    t.same(renamed, { ...planned, message: 'held since noon' }, 'fields left out of the patch keep their value (the times)');
    const stale = await rejection(api.patchNodeStatus('n1', { metadata: { resourceVersion: before.metadata.resourceVersion }, status: { conditions: [{ ...planned, status: 'False' }] } }));
    t.match(stale, { code: 'conflict', status: 409, reason: 'Conflict' });
    t.equal(((await store.getNode('n1'))?.status.conditions ?? []).find((c) => c.type === 'MaintenancePlanned')?.status, 'True', 'a refused compare-and-swap changes nothing');
    t.match(await rejection(api.patchNodeStatus('nope', { status: { conditions: [planned] } })), { code: 'not_found', status: 404 });
  });

  void t.test('watch: in order, resumes from a resourceVersion, follows a fieldSelector', async (t) => {
    const { api, store } = await makeRig(t, {});
    const from = (await api.list('nodes', {})).resourceVersion;
    const w = await recordWatch(api, 'nodes', { resourceVersion: from });
    t.teardown(w.stop);
    await store.createNode(node('n1'));
    const afterAdd = await store.resourceVersion();
    await store.setNodeReady('n1', false);
    await store.deleteNode('n1');
    const events = await untilDeleted(w, 'n1');
    t.equal(names(events)[0], 'ADDED n1', 'ADDED first');
    t.ok(events.slice(1, -1).every((e) => e.type === 'MODIFIED'), 'then only MODIFIED');
    t.ok(events.some((e) => e.type === 'MODIFIED' && readyOf(e) === 'False'), 'the NotReady write among them');
    const rvs = events.map((e) => Number(e.object.metadata?.resourceVersion));
    t.ok(rvs.every((rv, i) => i === 0 || rv > (rvs[i - 1] ?? 0)), 'resourceVersions increase');

    const resumed = await recordWatch(api, 'nodes', { resourceVersion: afterAdd });
    t.teardown(resumed.stop);
    const after = await untilDeleted(resumed, 'n1');
    t.ok(after.every((e) => e.type !== 'ADDED') && after.some((e) => readyOf(e) === 'False'), 'only what happened after the version');

    const pods = await recordWatch(api, 'pods', { resourceVersion: await store.resourceVersion(), fieldSelector: 'spec.nodeName=n2' });
    t.teardown(pods.stop);
    await store.createPod(pod('elsewhere', 'n3'));
    await store.createPod(pod('here', 'n2'));
    t.same(names([await pods.next()]), ['ADDED here'], 'pods of other nodes are not seen');
  });

  void t.test('pods of one namespace by label selector: list and watch (the imds-agent pods)', async (t) => {
    const { api, store } = await makeRig(t, {});
    const agent = { app: 'agent' };
    await store.createPod(pod('a1', 'n1', 'default', agent));
    await store.createPod(pod('other', 'n1', 'default', { app: 'web' }));
    await store.createPod(pod('a2', 'n1', 'kube-system', agent));
    const listed = await api.list('pods', { namespace: 'default', labelSelector: 'app=agent' });
    t.same(listed.items.map(nameOf), ['a1'], 'only the namespace and the label');
    const w = await recordWatch(api, 'pods', { resourceVersion: listed.resourceVersion, namespace: 'default', labelSelector: 'app=agent' });
    t.teardown(w.stop);
    await store.createPod(pod('a3', 'n2', 'kube-system', agent));
    await store.createPod(pod('web', 'n2', 'default', { app: 'web' }));
    await store.createPod(pod('a4', 'n2', 'default', agent));
    t.same(names([await w.next()]), ['ADDED a4'], 'other namespaces and labels are not seen');
  });

  void t.test('watch: from a compacted version one ERROR 410 Expired, then the end; a stopped watch is silent', async (t) => {
    const { api, store } = await makeRig(t, { historyLimit: 3 });
    const start = await store.resourceVersion();
    await store.createNode(node('n1'));
    for (let i = 0; i < 5; i++) await store.labelNode('n1', { i: String(i) });
    await store.compact();
    const w = await recordWatch(api, 'nodes', { resourceVersion: start });
    const e = await w.next();
    t.equal(e.type, 'ERROR');
    t.match(e.object, { kind: 'Status', code: 410, reason: 'Expired' });
    t.notOk((await w.done).err, 'the stream ends without an error');
    t.equal(w.events.length, 1, 'nothing else');

    const stopped = await recordWatch(api, 'nodes', { resourceVersion: await store.resourceVersion() });
    stopped.stop();
    const witness = await recordWatch(api, 'nodes', { resourceVersion: await store.resourceVersion() });
    t.teardown(witness.stop);
    await store.createNode(node('n2'));
    await witness.next();
    t.same(stopped.events, [], 'no event after stop');
    t.equal(stopped.isDone(), false, 'and no onDone');
  });

  void t.test('evictPod: 201, 429 naming the budget, 404, uid precondition 409', async (t) => {
    const { api, store } = await makeRig(t, {});
    await store.createNode(node('n1'));
    const web0 = await store.createPod(pod('web-0', 'n1', 'default', { app: 'web' }));
    await store.createPod(pod('web-1', 'n1', 'default', { app: 'web' }));
    await store.createPdb(makePdb({ namespace: 'default', name: 'web', selector: { app: 'web' }, minAvailable: 2 }));
    const blocked = await rejection(api.evictPod('default', 'web-0', web0.metadata.uid ?? ''));
    t.match(blocked, { code: 'throttled', status: 429, reason: 'TooManyRequests' });
    t.same(blocked.causes.map((c) => ({ reason: c.reason, message: c.message })), [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }]);
    t.notOk((await store.getPod('default', 'web-0'))?.metadata.deletionTimestamp, 'the refused pod is untouched');

    const solo = await store.createPod(pod('solo', 'n1'));
    const wrongUid = await rejection(api.evictPod('default', 'solo', 'not-its-uid'));
    t.match(wrongUid, { code: 'conflict', status: 409 });
    t.notOk((await store.getPod('default', 'solo'))?.metadata.deletionTimestamp, 'a uid mismatch evicts nothing');
    await api.evictPod('default', 'solo', solo.metadata.uid ?? '');
    t.ok((await store.getPod('default', 'solo'))?.metadata.deletionTimestamp, 'evicted: terminating over its grace period');
    await store.waitFor(async () => !(await store.getPod('default', 'solo')), 'the evicted pod is gone');
    t.match(await rejection(api.evictPod('default', 'solo', solo.metadata.uid ?? '')), { code: 'not_found', status: 404 });
  });

  void t.test('deletePod: uid precondition 409, then graceful delete', async (t) => {
    const { api, store } = await makeRig(t, {});
    const p = await store.createPod(pod('p', 'n1'));
    t.match(await rejection(api.deletePod('default', 'p', 'not-its-uid')), { code: 'conflict', status: 409 });
    await api.deletePod('default', 'p', p.metadata.uid ?? '');
    await store.waitFor(async () => !(await store.getPod('default', 'p')), 'the deleted pod is gone');
    t.match(await rejection(api.deletePod('default', 'p', p.metadata.uid ?? '')), { code: 'not_found', status: 404 });
  });

  void t.test('leases: create, read, replace with compare-and-swap; stale version 409; events', async (t) => {
    const { api, store } = await makeRig(t, {});
    t.match(await rejection(api.readLease('reboot-manager', 'leader')), { code: 'not_found', status: 404 });
    const created = await api.createLease('reboot-manager', 'leader', LEASE);
    t.match(created, { ...LEASE, resourceVersion: /^\d+$/ });
    t.match(await rejection(api.createLease('reboot-manager', 'leader', LEASE)), { code: 'conflict', status: 409, reason: 'AlreadyExists' });
    t.same(await api.readLease('reboot-manager', 'leader'), created);

    const renewed = await api.replaceLease('reboot-manager', 'leader', { ...created, renewTime: '2026-01-01T00:00:10.000000Z' });
    t.equal(renewed.renewTime, '2026-01-01T00:00:10.000000Z');
    t.not(renewed.resourceVersion, created.resourceVersion, 'a write moves the version');
    const stale = await rejection(api.replaceLease('reboot-manager', 'leader', { ...created, holderIdentity: 'replica-b' }));
    t.match(stale, { code: 'conflict', status: 409, reason: 'Conflict' });
    t.equal((await api.readLease('reboot-manager', 'leader')).holderIdentity, 'replica-a', 'the stale writer changed nothing');

    const n1 = await store.createNode(node('n1'));
    const time = '2026-01-01T00:00:00Z';
    // In `default`: a real server refuses an Event about a cluster-scoped object in any other namespace (422).
    await api.createEvent('default', { name: 'n1.abc', node: { name: 'n1', uid: n1.metadata.uid ?? '' }, type: 'Normal', reason: 'Cordoned', message: 'cordoned', instance: 'replica-a', time });
    t.match(await store.getEvent('default', 'n1.abc'), { involvedObject: { kind: 'Node', name: 'n1', uid: n1.metadata.uid }, reason: 'Cordoned', reportingInstance: 'replica-a' });
  });
}
