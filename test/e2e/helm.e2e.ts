// `helm install` of charts/reboot-manager on a real API server: every object accepted, the server's pods
// scheduled on the nodes, the agent on each; `helm uninstall` removes them and keeps the CRDs.
import t from 'tap';
import { startControlPlane } from '../../kit/control-plane.js';
import { createNodes } from '../../kit/nodes.js';
import { pollUntil } from '../../kit/poll.js';
import { CHART, helm } from '../support/helm.js';
import { nodeName } from './support/e2e-cluster.js';

interface PodList {
  items: { metadata: { name: string; labels?: Record<string, string> }; spec: { nodeName?: string }; status: { phase?: string } }[];
}

void t.test('helm install: the server pods are scheduled, the agent runs on every node; uninstall keeps the CRDs', async (t) => {
  const plane = await startControlPlane({ keep: process.env.KIT_KEEP === '1' });
  t.teardown(() => plane.stop());
  const names = Array.from({ length: 3 }, (_, i) => nodeName(i));
  await createNodes(plane.admin, names);
  const asAdmin = ['--kubeconfig', plane.adminKubeconfig, '--namespace', 'ops'];

  const install = await helm(['install', 'rm', CHART, ...asAdmin, '--create-namespace', '--set', 'azure.enabled=true,replicas=2']);
  t.ok(install.ok, install.ok ? 'installed' : install.stderr);
  t.match(install.stdout, /STATUS: deployed/);

  const pods = async (selector: string): Promise<PodList['items']> =>
    (JSON.parse((await plane.kubectl(['get', 'pods', '-n', 'ops', '-l', `app.kubernetes.io/name=${selector}`, '-o', 'json'])).stdout) as PodList).items;
  const servers = await pollUntil('the 2 server pods running on nodes', async () => {
    const list = await pods('reboot-manager');
    return list.length === 2 && list.every((p) => p.spec.nodeName && p.status.phase === 'Running') && list;
  });
  t.ok(servers.every((p) => names.includes(p.spec.nodeName ?? '')), 'on the cluster nodes');
  const agents = await pollUntil('an agent pod on every node', async () => {
    const list = await pods('reboot-manager-imds-agent');
    return list.length === names.length && list.every((p) => p.status.phase === 'Running') && list;
  });
  t.same(agents.map((p) => p.spec.nodeName).sort(), names, 'one agent per node');

  const service = JSON.parse((await plane.kubectl(['get', 'svc', '-n', 'ops', 'reboot-manager', '-o', 'json'])).stdout) as { spec: { type: string; ports: { port: number }[] } };
  t.match(service.spec, { type: 'LoadBalancer', ports: [{ port: 80 }] });
  t.equal(service.spec.ports.length, 1, 'the FleetLock port only');
  const events = await plane.kubectl(['auth', 'can-i', 'create', 'events', '-n', 'default', '--as', 'system:serviceaccount:ops:reboot-manager']);
  t.equal(events.stdout.trim(), 'yes', "the release's ServiceAccount records Node events in default");

  const uninstall = await helm(['uninstall', 'rm', ...asAdmin, '--wait']);
  t.ok(uninstall.ok, uninstall.ok ? 'uninstalled' : uninstall.stderr);
  const left = await plane.kubectl(['get', 'crd', '-o', 'name']);
  t.match(left.stdout, /rebootpolicies\.rebootmanager\.io/, 'the CRDs stay, and with them the policy and requests');
  const roles = await plane.kubectl(['get', 'clusterroles', '-o', 'name']);
  t.notMatch(roles.stdout, /reboot-manager/, 'the ClusterRoles are gone');
});
