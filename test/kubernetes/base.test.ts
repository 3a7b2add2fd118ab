// `kubectl apply -k kubernetes/` installs what an operator expects: rendered here with real kubectl.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { parseAllDocuments } from 'yaml';
import { parseServeConfig } from '../../src/config/serve.js';

type Obj = Record<string, unknown>;
interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Obj;
}

const KUBERNETES = fileURLToPath(new URL('../../kubernetes/', import.meta.url));

async function render(): Promise<Doc[]> {
  const { stdout } = await promisify(execFile)('kubectl', ['kustomize', KUBERNETES], { timeout: 30_000 });
  return parseAllDocuments(stdout).map((d) => d.toJS() as Doc);
}

const at = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v as Obj | undefined)?.[k], o);

void t.test('the base renders every object in the reboot-manager namespace', async (t) => {
  const docs = await render();
  t.same(docs.map((d) => `${d.kind}/${d.metadata.name}`).sort(), [
    'ClusterRole/reboot-manager',
    'ClusterRoleBinding/reboot-manager',
    'Deployment/reboot-manager',
    'Namespace/reboot-manager',
    'PodDisruptionBudget/reboot-manager',
    'Role/reboot-manager',
    'Role/reboot-manager-node-events',
    'RoleBinding/reboot-manager',
    'RoleBinding/reboot-manager-node-events',
    'Service/reboot-manager',
    'ServiceAccount/reboot-manager',
  ]);
  for (const d of docs.filter((d) => !['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(d.kind))) {
    // Events about Nodes are kept only in default: that one grant lives there.
    const expected = d.metadata.name === 'reboot-manager-node-events' ? 'default' : 'reboot-manager';
    t.equal(d.metadata.namespace, expected, `${d.kind}/${d.metadata.name} in ${expected}`);
  }
});

void t.test('the Deployment: several replicas, spread, locked down, probed, sized, downward API', async (t) => {
  const deployment = (await render()).find((d) => d.kind === 'Deployment');
  const pod = at(deployment, 'spec', 'template', 'spec') as Obj;
  const [container] = at(pod, 'containers') as Obj[];
  t.ok((at(deployment, 'spec', 'replicas') as number) >= 2, 'more than one replica (one leads)');
  t.equal(at(pod, 'serviceAccountName'), 'reboot-manager');
  t.match(at(pod, 'securityContext'), { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  t.match(at(container, 'securityContext'), { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  t.match(at(pod, 'topologySpreadConstraints'), [{ topologyKey: 'kubernetes.io/hostname' }], 'replicas spread across nodes');
  t.match(at(pod, 'tolerations'), [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }], 'keeps running on its own cordoned node');
  t.match(at(container, 'readinessProbe'), { httpGet: { path: '/readyz' } }, 'only the leader is Ready, so the Service routes to it');
  t.match(at(container, 'livenessProbe'), { httpGet: { path: '/healthz' } });
  t.ok(at(container, 'resources', 'requests', 'memory') && at(container, 'resources', 'limits', 'memory'), 'memory requested and limited');
  const env = at(container, 'env') as { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  t.equal(env.find((e) => e.name === 'POD_NAME')?.valueFrom?.fieldRef?.fieldPath, 'metadata.name');
  t.equal(env.find((e) => e.name === 'POD_NAMESPACE')?.valueFrom?.fieldRef?.fieldPath, 'metadata.namespace');
  const args = at(container, 'args') as string[];
  t.equal(args[0], 'serve');
  t.doesNotThrow(() => parseServeConfig(args.slice(1), {}), 'the server accepts its arguments');
});

void t.test('the Service has an external address and reaches the pods; a budget keeps one replica up', async (t) => {
  const docs = await render();
  const service = docs.find((d) => d.kind === 'Service');
  t.equal(at(service, 'spec', 'type'), 'LoadBalancer', '`kubectl get svc` shows an EXTERNAL-IP for the nodes to use');
  t.match(at(service, 'spec', 'ports'), [{ port: 80, targetPort: 'http' }]);
  const labels = at(docs.find((d) => d.kind === 'Deployment'), 'spec', 'template', 'metadata', 'labels');
  t.same(at(service, 'spec', 'selector'), labels);
  t.same(at(docs.find((d) => d.kind === 'PodDisruptionBudget'), 'spec', 'selector', 'matchLabels'), labels);
  t.equal(at(docs.find((d) => d.kind === 'PodDisruptionBudget'), 'spec', 'maxUnavailable'), 1);
});
