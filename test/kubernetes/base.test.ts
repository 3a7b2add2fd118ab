// `kubectl apply -k kubernetes/` installs what an operator expects: rendered here with real kubectl.
import t from 'tap';
import { parseServeConfig } from '../../src/config/serve.js';
import { render } from '../support/manifests.js';

type Obj = Record<string, unknown>;

const at = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v as Obj | undefined)?.[k], o);

void t.test('the base renders every object in the reboot-manager namespace', async (t) => {
  const docs = await render();
  t.same(docs.map((d) => `${d.kind}/${d.metadata.name}`).sort(), [
    'ClusterRole/reboot-manager',
    'ClusterRole/reboot-manager-operator',
    'ClusterRole/reboot-manager-requester',
    'ClusterRoleBinding/reboot-manager',
    'CustomResourceDefinition/maintenancerequests.rebootmanager.io',
    'CustomResourceDefinition/rebootpolicies.rebootmanager.io',
    'Deployment/reboot-manager',
    'Namespace/reboot-manager',
    'NetworkPolicy/reboot-manager',
    'PodDisruptionBudget/reboot-manager',
    'Role/reboot-manager',
    'Role/reboot-manager-node-events',
    'Role/reboot-manager-operator-events',
    'RoleBinding/reboot-manager',
    'RoleBinding/reboot-manager-node-events',
    'Service/reboot-manager',
    'ServiceAccount/reboot-manager',
  ]);
  for (const d of docs.filter((d) => !['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition'].includes(d.kind))) {
    // Events about Nodes are kept only in default: those grants live there.
    const expected = d.metadata.name.endsWith('-events') ? 'default' : 'reboot-manager';
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
  t.match(at(container, 'readinessProbe'), { httpGet: { path: '/readyz', port: 'internal' } }, 'only the leader is Ready, so the Service routes to it');
  t.match(at(container, 'livenessProbe'), { httpGet: { path: '/healthz', port: 'internal' } });
  t.ok(at(container, 'resources', 'requests', 'memory') && at(container, 'resources', 'limits', 'memory'), 'memory requested and limited');
  const env = at(container, 'env') as { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  t.equal(env.find((e) => e.name === 'POD_NAME')?.valueFrom?.fieldRef?.fieldPath, 'metadata.name');
  t.equal(env.find((e) => e.name === 'POD_NAMESPACE')?.valueFrom?.fieldRef?.fieldPath, 'metadata.namespace');
  const args = at(container, 'args') as string[];
  t.equal(args[0], 'serve');
  t.doesNotThrow(() => parseServeConfig(args.slice(1), {}), 'the server accepts its arguments');
  // The named ports are where the server listens with these arguments.
  const config = parseServeConfig(args.slice(1), {});
  t.same(at(container, 'ports'), [{ name: 'fleetlock', containerPort: config.listen.port }, { name: 'internal', containerPort: config.internalListen.port }]);
  t.equal(at(deployment, 'spec', 'template', 'metadata', 'annotations', 'prometheus.io/port'), String(config.internalListen.port), 'Prometheus scrapes the internal port');
});

void t.test('the Service has an external address and reaches the pods; a budget keeps one replica up', async (t) => {
  const docs = await render();
  const service = docs.find((d) => d.kind === 'Service');
  t.equal(at(service, 'spec', 'type'), 'LoadBalancer', '`kubectl get svc` shows an EXTERNAL-IP for the nodes to use');
  t.same(at(service, 'spec', 'ports'), [{ name: 'fleetlock', port: 80, targetPort: 'fleetlock' }], 'the FleetLock port only: status and metrics stay inside');
  t.equal(at(service, 'spec', 'externalTrafficPolicy'), 'Local', 'client addresses survive, for the caller check');
  const labels = at(docs.find((d) => d.kind === 'Deployment'), 'spec', 'template', 'metadata', 'labels');
  t.same(at(service, 'spec', 'selector'), labels);
  t.same(at(docs.find((d) => d.kind === 'PodDisruptionBudget'), 'spec', 'selector', 'matchLabels'), labels);
  t.equal(at(docs.find((d) => d.kind === 'PodDisruptionBudget'), 'spec', 'maxUnavailable'), 1);
});

void t.test('the NetworkPolicy: FleetLock from anywhere, the internal port only from Prometheus', async (t) => {
  const docs = await render();
  const policy = docs.find((d) => d.kind === 'NetworkPolicy');
  const labels = at(docs.find((d) => d.kind === 'Deployment'), 'spec', 'template', 'metadata', 'labels');
  t.same(at(policy, 'spec', 'podSelector', 'matchLabels'), labels, 'it selects the server pods');
  t.same(at(policy, 'spec', 'policyTypes'), ['Ingress'], 'egress (the API server) is left alone');
  const rules = at(policy, 'spec', 'ingress') as { from?: Obj[]; ports?: { port: string | number }[] }[];
  const rulesFor = (port: string) => rules.filter((r) => r.ports?.some((p) => p.port === port));
  t.equal(rulesFor('fleetlock').length, 1);
  t.equal(rulesFor('fleetlock')[0]?.from, undefined, 'FleetLock: from anywhere (nodes come through the LoadBalancer)');
  const internal = rulesFor('internal');
  t.equal(internal.length, 1);
  t.match(internal[0]?.from, [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], 'internal: only from Prometheus pods');
  t.ok(rules.every((r) => r.ports && r.ports.length > 0), 'no rule opens every port');
  const container = (at(docs.find((d) => d.kind === 'Deployment'), 'spec', 'template', 'spec', 'containers') as Obj[])[0];
  const named = new Set((at(container, 'ports') as { name: string }[]).map((p) => p.name));
  for (const r of rules) for (const p of r.ports ?? []) t.ok(named.has(String(p.port)), `port ${String(p.port)} names a container port`);
});
