// The direct store API and fixtures: node lifecycle, waitFor, change notifications, discovery and tables.
import t from 'tap';
import { makeNode, makePod } from '../../src/sim/kube/index.js';
import { raw, simFor } from '../support/sim-helpers.js';

void t.test('rebootNode changes the bootID and makes the node NotReady until setNodeReady', async (t) => {
  const sim = await simFor(t);
  const n = sim.store.createNode(makeNode({ name: 'n1', machineID: 'a'.repeat(32), bootID: 'boot-1' }));
  t.equal(n.status.nodeInfo?.bootID, 'boot-1');
  const changes: string[] = [];
  const off = sim.store.onChange((c) => changes.push(`${c.type} ${c.resource} ${c.object.metadata.name ?? ''}`));
  const down = sim.store.rebootNode('n1');
  t.not(down.status.nodeInfo?.bootID, 'boot-1');
  t.match(down.status.conditions?.find((c) => c.type === 'Ready'), { status: 'False' });
  const waiting = sim.store.waitFor(() => {
    const cur = sim.store.getNode('n1');
    return cur?.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? cur : undefined;
  });
  sim.store.setNodeReady('n1', true);
  const up = await waiting;
  t.equal(up.status.nodeInfo?.bootID, down.status.nodeInfo?.bootID, 'the new bootID stays');
  t.same(changes, ['MODIFIED nodes n1', 'MODIFIED nodes n1']);
  off();
  sim.store.deleteNode('n1');
  t.equal(changes.length, 2, 'unsubscribed listeners hear nothing');
  t.same(sim.store.listNodes(), []);
});

void t.test('waitFor rejects with a clear error on timeout', async (t) => {
  const sim = await simFor(t);
  await t.rejects(sim.store.waitFor(() => sim.store.getNode('never'), { timeoutMs: 20, description: 'node never' }), /waitFor \(node never\) timed out after 20 ms/);
});

void t.test('fixtures: pods owned, mirrored, with emptyDir; generic access', async (t) => {
  const sim = await simFor(t);
  sim.store.createPod(makePod({ namespace: 'apps', name: 'p', nodeName: 'n1', owner: { kind: 'ReplicaSet', name: 'rs' }, emptyDir: true, labels: { app: 'x' } }));
  sim.store.createPod(makePod({ namespace: 'kube-system', name: 'etcd-n1', nodeName: 'n1', mirror: true }));
  t.ok(sim.store.get('namespaces', undefined, 'apps'), 'the direct API creates a missing namespace');
  const p = sim.store.getPod('apps', 'p');
  t.match(p, { metadata: { ownerReferences: [{ kind: 'ReplicaSet', name: 'rs', controller: true }] }, spec: { volumes: [{ emptyDir: {} }] }, status: { phase: 'Running' } });
  t.ok(sim.store.getPod('kube-system', 'etcd-n1')?.metadata.annotations?.['kubernetes.io/config.mirror']);
  t.same(sim.store.listPods({ nodeName: 'n1', labelSelector: 'app=x' }).map((x) => x.metadata.name), ['p']);
  sim.store.setPodReady('apps', 'p', false);
  t.match(sim.store.getPod('apps', 'p')?.status.conditions?.find((c) => c.type === 'Ready'), { status: 'False' });
});

void t.test('discovery and server-side tables as kubectl reads them', async (t) => {
  const sim = await simFor(t);
  sim.store.createNode(makeNode({ name: 'n1', machineID: 'a'.repeat(32), unschedulable: true }));
  sim.store.createPod(makePod({ namespace: 'default', name: 'p', nodeName: 'n1' }));
  t.match((await raw(sim, 'GET', '/version', { token: null })).json(), { major: '1', minor: '32', gitVersion: /^v1\.32\./ }, '/version needs no credentials');
  const v1 = (await raw(sim, 'GET', '/api/v1')).json<{ resources: { name: string; group?: string; version?: string; kind: string }[] }>();
  t.match(v1.resources.find((r) => r.name === 'pods/eviction'), { group: 'policy', version: 'v1', kind: 'Eviction' });
  const groups = (await raw(sim, 'GET', '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' })).json<{ kind: string; groups: { name: string }[] }>();
  t.equal(groups.kind, 'APIGroupList', 'aggregated discovery falls back to the legacy list');
  t.ok(['coordination.k8s.io', 'policy', 'apps'].every((g) => groups.groups.some((x) => x.name === g)));
  t.equal((await raw(sim, 'GET', '/openapi/v3')).status, 404);

  const table = 'application/json;as=Table;v=1;g=meta.k8s.io,application/json';
  const nodes = (await raw(sim, 'GET', '/api/v1/nodes', { accept: table })).json<{ kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] }>();
  t.equal(nodes.kind, 'Table');
  t.same(nodes.columnDefinitions.map((c) => c.name), ['Name', 'Status', 'Roles', 'Age', 'Version']);
  t.match(nodes.rows[0]?.cells, ['n1', 'Ready,SchedulingDisabled', '<none>', /^\d+s$/, 'v1.32.4']);
  const pod = (await raw(sim, 'GET', '/api/v1/namespaces/default/pods/p', { accept: table })).json<{ rows: { cells: unknown[] }[] }>();
  t.match(pod.rows[0]?.cells, ['p', '1/1', 'Running', 0, /s$/]);
});
