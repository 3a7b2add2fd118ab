// RBAC from kubernetes/base/rbac.yaml: what the reboot-manager service account may and may not do, and rule usage.
import { CoordinationV1Api, CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { V1Lease } from '@kubernetes/client-node';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { makeNode } from '../../src/sim/kube/index.js';
import { apiError, kubeConfig, SA, simFor } from '../support/sim-helpers.js';

const lease = (name: string): V1Lease => ({ metadata: { name }, spec: { holderIdentity: 'me', leaseDurationSeconds: 15 } });

void t.test('the service account gets exactly what the manifests grant', async (t) => {
  const sim = await simFor(t);
  sim.store.createNode(makeNode({ name: 'n1', machineID: 'a'.repeat(32) }));
  const kc = kubeConfig(sim, SA);
  const core = kc.makeApiClient(CoreV1Api);
  const coord = kc.makeApiClient(CoordinationV1Api);

  t.equal((await core.listNode()).items.length, 1, 'list nodes allowed');
  await core.patchNode({ name: 'n1', body: { spec: { unschedulable: true } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
  t.equal(sim.store.getNode('n1')?.spec.unschedulable, true, 'patch nodes allowed');
  await coord.createNamespacedLease({ namespace: 'reboot-manager', body: lease('leader') });

  const del = await apiError(core.deleteNode({ name: 'n1' }));
  t.equal(del.code, 403);
  t.match(del.status, {
    kind: 'Status',
    reason: 'Forbidden',
    message: 'nodes "n1" is forbidden: User "system:serviceaccount:reboot-manager:reboot-manager" cannot delete resource "nodes" in API group "" at the cluster scope',
    details: { name: 'n1', kind: 'nodes' },
  });
  const otherNs = await apiError(coord.createNamespacedLease({ namespace: 'default', body: lease('leader') }));
  t.equal(otherNs.status.message, 'leases.coordination.k8s.io is forbidden: User "system:serviceaccount:reboot-manager:reboot-manager" cannot create resource "leases" in API group "coordination.k8s.io" in the namespace "default"');
  // The role grants pods (list, watch, delete) but not pods/status.
  const status = await apiError(
    core.patchNamespacedPodStatus({ name: 'p1', namespace: 'default', body: { status: {} } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)),
  );
  t.match(status.status.message, /cannot patch resource "pods\/status" in API group "" in the namespace "default"/, 'subresources are authorised as resource/subresource');
  t.ok(sim.store.getNode('n1'), 'nothing was deleted');
  t.notOk(sim.store.get('leases', 'default', 'leader'));

  const used = sim.rbac.usedRules();
  // Rule 0 of each role is the nodes rule and the leases rule; the manifests may grow further rules.
  t.same(used.map((u) => `${u.role}#${u.index} ${u.verbs.sort().join(',')}`).sort(), ['ClusterRole/reboot-manager#0 list,patch', 'Role/reboot-manager/reboot-manager#0 create']);
  const unused = sim.rbac.unusedPermissions(SA).map((p) => `${p.verb} ${p.resource}`);
  t.ok(unused.includes('watch nodes') && !unused.includes('list nodes'), 'unused permissions are reported per verb and resource');
  const base = new URL('../../kubernetes/base/', import.meta.url);
  let rules = 0;
  for (const f of (await readdir(base)).filter((f) => f.endsWith('.yaml'))) rules += (await readFile(new URL(f, base), 'utf8')).match(/^\s*- apiGroups:/gm)?.length ?? 0;
  t.equal(sim.rbac.allRules().length, rules, 'every rule of every role in the manifests');
});

void t.test('resourceNames, wildcards and a custom rbacDir', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sim-rbac-'));
  await writeFile(
    join(dir, 'roles.yaml'),
    `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: one-node}
rules:
  - {apiGroups: [""], resources: ["nodes"], verbs: ["get"], resourceNames: ["n1"]}
  - {apiGroups: ["*"], resources: ["leases"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: one-node}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: one-node}
subjects: [{kind: ServiceAccount, name: reboot-manager, namespace: reboot-manager}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: ignored}
`,
  );
  const sim = await simFor(t, { rbacDir: dir });
  for (const n of ['n1', 'n2']) sim.store.createNode(makeNode({ name: n, machineID: 'a'.repeat(32) }));
  const kc = kubeConfig(sim, SA);
  const core = kc.makeApiClient(CoreV1Api);
  t.equal((await core.readNode({ name: 'n1' })).metadata?.name, 'n1');
  t.equal((await apiError(core.readNode({ name: 'n2' }))).code, 403, 'another name is forbidden');
  t.equal((await apiError(core.listNode())).code, 403, 'a named rule never allows list');
  await kc.makeApiClient(CoordinationV1Api).createNamespacedLease({ namespace: 'default', body: lease('x') });
  t.ok(sim.store.get('leases', 'default', 'x'), 'wildcards match');
});
