// CRUD through client-node: conflicts, compare-and-swap patches, JSON patch, no-op writes, pagination, selectors.
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import t from 'tap';
import { makeNode, makePod } from '../../src/sim/kube/index.js';
import { apiError, kubeConfig, raw, simFor, v1 } from '../support/sim-helpers.js';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

void t.test('create, read, conflict on create and on stale update', async (t) => {
  const sim = await simFor(t);
  const core = kubeConfig(sim).makeApiClient(CoreV1Api);
  const created = await core.createNode({ body: v1<V1Node>(makeNode({ name: 'n1', machineID: 'a'.repeat(32) })) });
  t.ok(created.metadata?.uid, 'server assigns a uid');
  t.match(created.metadata?.resourceVersion, /^\d+$/, 'resourceVersion is an integer string');

  const dup = await apiError(core.createNode({ body: v1<V1Node>(makeNode({ name: 'n1', machineID: 'a'.repeat(32) })) }));
  t.equal(dup.code, 409);
  t.match(dup.status, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'AlreadyExists', code: 409, message: 'nodes "n1" already exists', details: { name: 'n1', kind: 'nodes' } });

  const read = await core.readNode({ name: 'n1' });
  read.metadata!.labels = { ...read.metadata?.labels, role: 'web' };
  const updated = await core.replaceNode({ name: 'n1', body: read });
  t.equal(updated.metadata?.labels?.role, 'web');
  t.ok(Number(updated.metadata?.resourceVersion) > Number(read.metadata?.resourceVersion), 'update bumps the resourceVersion');

  const stale = await apiError(core.replaceNode({ name: 'n1', body: read }));
  t.equal(stale.code, 409);
  t.equal(stale.status.reason, 'Conflict');
  t.match(stale.status.message, /Operation cannot be fulfilled on nodes "n1": the object has been modified/);

  const missing = await apiError(core.readNode({ name: 'nope' }));
  t.match(missing, { code: 404, status: { reason: 'NotFound', message: 'nodes "nope" not found' } });
});

void t.test('merge patch with resourceVersion is a compare-and-swap; without it last writer wins', async (t) => {
  const sim = await simFor(t);
  const core = kubeConfig(sim).makeApiClient(CoreV1Api);
  const n = sim.store.createNode(makeNode({ name: 'n1', machineID: 'a'.repeat(32) }));
  const rv = n.metadata.resourceVersion;
  const ok = await core.patchNode({ name: 'n1', body: { metadata: { resourceVersion: rv, annotations: { 'rebootmanager/status': 'Rebooting' } } } }, merge);
  t.equal(ok.metadata?.annotations?.['rebootmanager/status'], 'Rebooting');

  const lost = await apiError(core.patchNode({ name: 'n1', body: { metadata: { resourceVersion: rv, annotations: { 'rebootmanager/status': 'Ready' } } } }, merge));
  t.equal(lost.code, 409, 'second CAS from the same version loses');
  t.equal(sim.store.getNode('n1')?.metadata.annotations?.['rebootmanager/status'], 'Rebooting', 'the losing write changed nothing');

  await core.patchNode({ name: 'n1', body: { metadata: { annotations: { 'rebootmanager/status': null } } } }, merge);
  t.notOk(sim.store.getNode('n1')?.metadata.annotations?.['rebootmanager/status'], 'null removes a key');

  const cordoned = await core.patchNode({ name: 'n1', body: { spec: { unschedulable: true } } }, strategic);
  t.equal(cordoned.spec?.unschedulable, true, 'strategic merge patch cordons');
});

void t.test('JSON patch: escaped keys, test operation as precondition', async (t) => {
  const sim = await simFor(t);
  const core = kubeConfig(sim).makeApiClient(CoreV1Api);
  const n = sim.store.createNode(makeNode({ name: 'n1', machineID: 'a'.repeat(32) }));
  // client-node sends application/json-patch+json by default.
  const patched = await core.patchNode({
    name: 'n1',
    body: [
      { op: 'test', path: '/metadata/resourceVersion', value: n.metadata.resourceVersion },
      { op: 'add', path: '/metadata/annotations/rebootmanager~1status', value: 'Rebooting' },
    ],
  });
  t.equal(patched.metadata?.annotations?.['rebootmanager/status'], 'Rebooting');
  const failed = await apiError(core.patchNode({ name: 'n1', body: [{ op: 'test', path: '/metadata/resourceVersion', value: n.metadata.resourceVersion }, { op: 'remove', path: '/metadata/annotations/rebootmanager~1status' }] }));
  t.equal(failed.code, 422, 'a failed test operation rejects the whole patch');
  t.equal(sim.store.getNode('n1')?.metadata.annotations?.['rebootmanager/status'], 'Rebooting');
  const replaced = await core.patchNode({ name: 'n1', body: [{ op: 'replace', path: '/metadata/annotations/rebootmanager~1status', value: 'Ready' }] });
  t.equal(replaced.metadata?.annotations?.['rebootmanager/status'], 'Ready');
  const unknown = await raw(sim, 'PATCH', '/api/v1/nodes/n1', { body: {}, contentType: 'text/plain' });
  t.equal(unknown.status, 415, 'unknown patch type');
});

void t.test('a node write that changes nothing keeps the resourceVersion', async (t) => {
  const sim = await simFor(t);
  const n = sim.store.createNode(makeNode({ name: 'n1', machineID: 'a'.repeat(32) }));
  const same = sim.store.updateNode('n1', () => {});
  t.equal(same.metadata.resourceVersion, n.metadata.resourceVersion);
  const core = kubeConfig(sim).makeApiClient(CoreV1Api);
  const noop = await core.patchNode({ name: 'n1', body: { metadata: { labels: { 'kubernetes.io/hostname': 'n1' } } } }, merge);
  t.equal(noop.metadata?.resourceVersion, n.metadata.resourceVersion, 'no-op patch too');
  const changed = sim.store.setNodeReady('n1', false);
  t.not(changed.metadata.resourceVersion, n.metadata.resourceVersion);
});

void t.test('list: pagination, field and label selectors', async (t) => {
  const sim = await simFor(t);
  const core = kubeConfig(sim).makeApiClient(CoreV1Api);
  for (let i = 0; i < 7; i++) sim.store.createNode(makeNode({ name: `n${i}`, machineID: String(i).repeat(32), labels: i % 2 ? { odd: 'yes' } : {} }));
  const names: string[] = [];
  let cont: string | undefined;
  let pages = 0;
  do {
    const page = await core.listNode({ limit: 3, ...(cont ? { _continue: cont } : {}) });
    names.push(...page.items.map((n) => n.metadata?.name ?? ''));
    cont = page.metadata?._continue;
    pages++;
  } while (cont);
  t.equal(pages, 3);
  t.same(names, ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6'], 'every node once, in order');
  t.same((await core.listNode({ fieldSelector: 'metadata.name=n4' })).items.map((n) => n.metadata?.name), ['n4']);
  t.same((await core.listNode({ labelSelector: 'odd=yes' })).items.map((n) => n.metadata?.name), ['n1', 'n3', 'n5']);
  t.same((await core.listNode({ labelSelector: '!odd' })).items.length, 4);

  sim.store.createPod(makePod({ namespace: 'default', name: 'a', nodeName: 'n1' }));
  sim.store.createPod(makePod({ namespace: 'kube-system', name: 'b', nodeName: 'n1' }));
  sim.store.createPod(makePod({ namespace: 'default', name: 'c', nodeName: 'n2' }));
  const onN1 = await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=n1' });
  t.same(onN1.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`), ['default/a', 'kube-system/b']);
  const inDefault = await core.listNamespacedPod({ namespace: 'default' });
  t.same(inDefault.items.map((p) => p.metadata?.name), ['a', 'c']);
});

void t.test('list pages come from the first page\'s snapshot; a continue token older than the history is 410 Expired', async (t) => {
  const sim = await simFor(t, { historyLimit: 3 });
  const core = kubeConfig(sim).makeApiClient(CoreV1Api);
  for (const name of ['a', 'b', 'c', 'd']) sim.store.createNode(makeNode({ name, machineID: 'a'.repeat(32) }));
  const first = await core.listNode({ limit: 2 });
  sim.store.createNode(makeNode({ name: 'e', machineID: 'a'.repeat(32) }));
  sim.store.updateNode('c', (n) => void (n.metadata.labels = { ...n.metadata.labels, changed: 'yes' }));
  sim.store.deleteNode('d');
  const rest = await core.listNode({ limit: 5, _continue: first.metadata?._continue });
  t.same(rest.items.map((n) => n.metadata?.name), ['c', 'd'], 'later pages show the list as it was: d still there, e not yet');
  t.equal(rest.items[0]?.metadata?.labels?.changed, undefined, 'and c unchanged');
  t.equal(rest.metadata?.resourceVersion, first.metadata?.resourceVersion, 'every page carries the first page\'s version');

  sim.store.updateNode('a', (n) => void (n.metadata.labels = { ...n.metadata.labels, more: 'yes' }));
  const gone = await raw(sim, 'GET', `/api/v1/nodes?limit=2&continue=${first.metadata?._continue ?? ''}`);
  t.equal(gone.status, 410, 'four changes since, three kept: the snapshot cannot be rebuilt');
  t.match(gone.json(), { kind: 'Status', code: 410, reason: 'Expired' });
});

void t.test('authentication and namespaces', async (t) => {
  const sim = await simFor(t);
  const anon = await raw(sim, 'GET', '/api/v1/nodes', { token: null });
  t.equal(anon.status, 401);
  t.match(anon.json(), { kind: 'Status', reason: 'Unauthorized', code: 401 });
  const bad = await raw(sim, 'GET', '/api/v1/nodes', { token: 'forged' });
  t.equal(bad.status, 401);
  const core = kubeConfig(sim).makeApiClient(CoreV1Api);
  const nss = await core.listNamespace();
  t.ok(['default', 'kube-system', 'reboot-manager'].every((n) => nss.items.some((x) => x.metadata?.name === n)), 'standard namespaces exist');
  const noNs = await apiError(core.createNamespacedPod({ namespace: 'ghost', body: v1<V1Pod>(makePod({ namespace: 'ghost', name: 'p' })) }));
  t.match(noNs, { code: 404, status: { message: 'namespaces "ghost" not found' } });
});

void t.test('status subresource: strategic patches merge conditions by type; main-resource writes keep status', async (t) => {
  const sim = await simFor(t);
  sim.store.createNode(makeNode({ name: 'n1', machineID: 'a'.repeat(32) }));
  const res = await raw(sim, 'PATCH', '/api/v1/nodes/n1/status', { body: { status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady' }] } }, contentType: 'application/strategic-merge-patch+json' });
  t.equal(res.status, 200);
  const conds = sim.store.getNode('n1')?.status.conditions ?? [];
  t.equal(conds.length, 4, 'the other conditions stay');
  t.match(conds.find((c) => c.type === 'Ready'), { status: 'False', reason: 'KubeletNotReady' });
  await raw(sim, 'PATCH', '/api/v1/nodes/n1', { body: { metadata: { labels: { a: 'b' } }, status: { conditions: [] } }, contentType: 'application/merge-patch+json' });
  t.equal(sim.store.getNode('n1')?.metadata.labels?.a, 'b');
  t.equal(sim.store.getNode('n1')?.status.conditions?.length, 4, 'status is not written through the main resource');
});
