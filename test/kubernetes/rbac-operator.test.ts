// kubernetes/base/operator-rbac.yaml grants a person exactly what `status`, `release`, `pause` and `resume` call,
// and nothing the server's own account has: bound to an operator here, as the file's comment says to.
import { copyFile, readdir, writeFile } from 'node:fs/promises';
import t from 'tap';
import { systemClock as clock } from '../../src/clock/clock.js';
import { releaseByHand } from '../../src/coordinator/manual-release.js';
import { EventRecorder } from '../../src/kube/events.js';
import { NodeCache } from '../../src/kube/nodes.js';
import { clusterStatus } from '../../src/status/from-cluster.js';
import { createKubeApi } from '../../src/kube/rest-api.js';
import { pauseReboots, resumeReboots } from '../../src/policy/pause-switch.js';
import { machineIdFor, makeNode, startKubeSim, type SimUser } from '../../src/sim/kube/index.js';
import { FLEETLOCK, NO_PROGRESS, type Slot } from '../../src/slot/slot.js';
import { slotAnnotations } from '../../src/slot/encoding.js';
import { SERVICE_ACCOUNT } from '../support/cluster.js';
import { KUBERNETES } from '../support/manifests.js';

/** A node holding a slot, as the annotations say it. */
const annotationsOf = (slot: Slot): Record<string, string> => Object.fromEntries(Object.entries(slotAnnotations(slot)).filter((e): e is [string, string] => e[1] !== null));

const OPERATOR: SimUser = { serviceAccount: { namespace: 'ops', name: 'alice' } };

const BINDINGS = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: alice-reboot-manager}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reboot-manager-operator}
subjects: [{kind: ServiceAccount, name: alice, namespace: ops}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-reboot-manager, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reboot-manager-operator-events}
subjects: [{kind: ServiceAccount, name: alice, namespace: ops}]
`;

void t.test('status, release, pause (creating, then patching) and resume use every operator permission, and only those', async (t) => {
  const dir = t.testdir();
  const base = `${KUBERNETES}base/`;
  for (const f of (await readdir(base)).filter((f) => f.endsWith('.yaml'))) await copyFile(`${base}${f}`, `${dir}/${f}`);
  await writeFile(`${dir}/bindings.yaml`, BINDINGS);
  const sim = await startKubeSim({ rbacDir: dir });
  t.teardown(() => sim.close());
  const slot = { source: FLEETLOCK, group: 'default', id: 'x', claim: 'c', phase: 'drained' as const, claimedAt: new Date().toISOString(), bootId: 'b', cordonedByUs: true, releaseRequestedAt: null, drain: NO_PROGRESS };
  sim.store.createNode(makeNode({ name: 'node-01', machineID: machineIdFor(1), unschedulable: true, annotations: annotationsOf(slot) }));
  await sim.writeKubeconfig(`${dir}/kubeconfig`, OPERATOR);
  const api = createKubeApi(`${dir}/kubeconfig`);

  sim.store.create('maintenancerequests', { apiVersion: 'rebootmanager.io/v1alpha1', kind: 'MaintenanceRequest', metadata: { name: 'disk' }, spec: { nodeName: 'node-01', reason: 'replace disk sdb', requester: 'bob' } });
  const status = await clusterStatus(api, clock);
  t.same(status.rows.map((n) => n.node), ['node-01'], 'status lists the nodes');
  t.same(status.requests.map((r) => `${r.name} ${r.requester}`), ['disk bob'], 'and the requests');
  t.equal(status.requestsUnavailable, undefined);
  const events = new EventRecorder(api, clock, { instance: 'reboot-manager-cli', onError: (err) => t.fail(err.message) });
  t.same(await releaseByHand(new NodeCache({ api, clock }), clock, events, 'node-01', 'test'), { released: true, uncordoned: true }, 'release');
  const pause = { reason: 'maintenance', by: 'alice', since: new Date().toISOString() };
  t.equal((await pauseReboots(api, pause)).created, true, 'pause creates the policy');
  t.equal((await pauseReboots(api, pause)).created, false, 'and patches it');
  t.same((await resumeReboots(api)).lifted, pause, 'resume');

  t.equal(sim.requests.count({ status: 403 }), 0, 'nothing refused');
  t.same(sim.rbac.unusedPermissions(OPERATOR), [], 'no operator permission unused');
  t.same(
    sim.rbac.usedRules().filter((r) => r.role.includes('operator')).map((r) => `${r.role}#${r.index} ${r.verbs.sort().join(',')}`).sort(),
    ['ClusterRole/reboot-manager-operator#0 get,list,patch', 'ClusterRole/reboot-manager-operator#1 get,patch', 'ClusterRole/reboot-manager-operator#2 create', 'ClusterRole/reboot-manager-operator#3 list', 'Role/default/reboot-manager-operator-events#0 create'],
  );
  t.same(sim.rbac.unusedPermissions(SERVICE_ACCOUNT).filter((p) => p.role.includes('operator')), [], 'the server account is bound to no operator role');
});
