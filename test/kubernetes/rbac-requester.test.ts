// kubernetes/base/requester-rbac.yaml grants a requester what `maintain` and `done` call, what kubectl's get -w,
// wait, replace and delete call besides, and never the status: bound to a requester here, as the file says to.
import { copyFile, readdir, writeFile } from 'node:fs/promises';
import t from 'tap';
import { request } from 'undici';
import { createKubeApi } from '../../src/kube/rest-api.js';
import { createRequest } from '../../src/requests/requester.js';
import type { SimUser } from '../../src/sim/kube/index.js';
import { cli } from '../support/cli.js';
import { startCluster } from '../support/cluster.js';
import { KUBERNETES } from '../support/manifests.js';
import { phaseOf, requestOf } from '../support/requests.js';

const REQUESTER: SimUser = { serviceAccount: { namespace: 'ops', name: 'fw-tool' } };

const BINDING = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: fw-tool-maintenance}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reboot-manager-requester}
subjects: [{kind: ServiceAccount, name: fw-tool, namespace: ops}]
`;

void t.test("maintain --wait and done work with exactly the requester role; kubectl uses the rest; the status stays the leader's", async (t) => {
  const dir = t.testdir();
  const base = `${KUBERNETES}base/`;
  for (const f of (await readdir(base)).filter((f) => f.endsWith('.yaml'))) await copyFile(`${base}${f}`, `${dir}/${f}`);
  await writeFile(`${dir}/binding.yaml`, BINDING);
  const c = await startCluster(t, { nodes: 2, sim: { rbacDir: dir } });
  const kubeconfig = `${dir}/requester`;
  await c.sim.writeKubeconfig(kubeconfig, REQUESTER);

  const maintain = await cli(kubeconfig, 'maintain', 'node-02', '--reason', 'firmware', '--wait', '--name', 'fw');
  t.equal(maintain.code, 0, maintain.stderr);
  t.equal(requestOf(c.sim, 'fw')?.spec.requester, 'system:serviceaccount:ops:fw-tool', 'the requester is who the kubeconfig says');
  const finished = await cli(kubeconfig, 'done', 'node-02');
  t.equal(finished.code, 0, finished.stderr);
  await phaseOf(c.sim, 'fw', 'InProgress', /given back once node node-02 is Ready/);
  c.sim.store.postNodeStatus('node-02');
  await phaseOf(c.sim, 'fw', 'Completed');
  t.equal(c.sim.requests.count({ status: 403 }), 0, 'nothing the CLI asked for was refused');
  t.same(
    c.sim.rbac.unusedPermissions(REQUESTER).map((p) => p.verb).sort(),
    ['delete', 'update', 'watch'],
    'the CLI uses get, list, create and patch',
  );

  // What kubectl get -w / wait (watch), replace (update) and delete send, with the same credentials.
  const api = createKubeApi(kubeconfig);
  const stop = await api.watch('maintenancerequests', { resourceVersion: '0' }, () => {}, () => {});
  stop();
  const url = `${c.sim.url}/apis/rebootmanager.io/v1alpha1/maintenancerequests/fw`;
  const headers = { authorization: `Bearer ${c.sim.token(REQUESTER)}`, 'content-type': 'application/json' };
  const replaced = await request(url, { method: 'PUT', headers, body: JSON.stringify({ ...requestOf(c.sim, 'fw'), metadata: { ...requestOf(c.sim, 'fw')?.metadata, labels: { team: 'fw' } } }) });
  t.equal(replaced.statusCode, 200, await replaced.body.text());
  const deleted = await request(url, { method: 'DELETE', headers });
  t.equal(deleted.statusCode, 200, await deleted.body.text());
  t.same(c.sim.rbac.unusedPermissions(REQUESTER), [], 'no requester permission unused');

  await createRequest(api, { nodeName: 'node-01', reason: 'firmware', requester: 'fw-tool', drain: true, group: 'default', startWithinSeconds: 60, finishWithinSeconds: 60, name: 'fw2' });
  await t.rejects(api.patchCustom('maintenancerequests', 'fw2', { status: { phase: 'Approved' } }, 'status'), { code: 'forbidden' }, 'a requester cannot write the status');
});
