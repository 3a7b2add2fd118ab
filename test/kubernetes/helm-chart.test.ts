// charts/reboot-manager installs what `kubectl apply -k` installs, and its values do what they say.
import { readFile } from 'node:fs/promises';
import t, { type Test } from 'tap';
import { imdsAgentOptions, parseImdsAgentConfig } from '../../src/agent/config.js';
import { parseServeConfig, serveOptions } from '../../src/config/serve.js';
import { CHART, helm, template } from '../support/helm.js';
import { KUBERNETES, envOf, render, type Doc } from '../support/manifests.js';

type Obj = Record<string, unknown>;
interface Container {
  image?: string;
  args?: string[];
  env?: { name: string; value?: string }[];
}

const key = (d: Doc & { apiVersion?: string }): string => `${d.apiVersion}/${d.kind}/${d.metadata.namespace ?? ''}/${d.metadata.name}`;
const byKey = (docs: Doc[]): Map<string, Doc> => new Map(docs.map((d) => [key(d), d]));
const find = (docs: Doc[], kind: string, name = 'reboot-manager'): Obj | undefined => docs.find((d) => d.kind === kind && d.metadata.name === name) as Obj | undefined;
const at = (o: unknown, ...path: (string | number)[]): unknown => path.reduce<unknown>((v, k) => (v as Obj | undefined)?.[k], o);
const containerOf = (docs: Doc[], kind: string, name?: string): Container => at(find(docs, kind, name), 'spec', 'template', 'spec', 'containers', 0) as Container;
const withoutNamespace = (docs: Doc[]): Doc[] => docs.filter((d) => d.kind !== 'Namespace');

/** The chart's render and kustomize's, object for object: same keys, same contents, same types ("8081" is not 8081). */
function sameObjects(t: Test, chart: Doc[], kustomize: Doc[]): void {
  const [a, b] = [byKey(chart), byKey(kustomize)];
  t.strictSame([...a.keys()].sort(), [...b.keys()].sort(), 'the same objects');
  for (const [k, doc] of b) t.strictSame(a.get(k), doc, k);
}

void t.test('helm lint passes, with the defaults and with every optional part on', async (t) => {
  const plain = await helm(['lint', '--strict', CHART]);
  t.ok(plain.ok, plain.stdout + plain.stderr);
  const full = await helm(['lint', '--strict', CHART, '--set', 'azure.enabled=true,createNamespace=true,service.type=NodePort']);
  t.ok(full.ok, full.stdout + full.stderr);
});

void t.test('the default render is kubernetes/base, object for object; createNamespace adds its Namespace', async (t) => {
  const [base, chart, withNs] = await Promise.all([render(KUBERNETES), template(), template({ createNamespace: true })]);
  t.ok(chart.ok, chart.stderr);
  t.ok(find(base, 'Namespace'), 'the base has a Namespace');
  sameObjects(t, chart.docs, withoutNamespace(base));
  t.notOk(find(chart.docs, 'Namespace'), 'no Namespace by default: helm install --create-namespace makes it');
  sameObjects(t, withNs.docs, base);
});

void t.test("the chart's CRDs are the base's files, comments and all", async (t) => {
  for (const file of ['policy-crd.yaml', 'maintenance-request-crd.yaml']) {
    const [base, chart] = await Promise.all([readFile(`${KUBERNETES}base/${file}`, 'utf8'), readFile(`${CHART}/crds/${file}`, 'utf8')]);
    t.equal(chart, base, `crds/${file} (after changing the base's, copy it: cp kubernetes/base/${file} charts/reboot-manager/crds/)`);
  }
});

void t.test('azure.enabled renders kubernetes/azure; tlsSecretName renders kubernetes/tls', async (t) => {
  const [azure, chartAzure, tls, chartTls] = await Promise.all([
    render(`${KUBERNETES}azure`),
    template({ azure: { enabled: true } }),
    render(`${KUBERNETES}tls`),
    template({ tlsSecretName: 'reboot-manager-tls' }),
  ]);
  sameObjects(t, chartAzure.docs, withoutNamespace(azure));
  sameObjects(t, chartTls.docs, withoutNamespace(tls));
});

void t.test('another namespace: everything moves there but the Node-events grants, which stay in default', async (t) => {
  const { docs } = await template({ azure: { enabled: true } }, 'ops');
  for (const d of docs.filter((d) => d.metadata.namespace !== undefined)) {
    t.equal(d.metadata.namespace, d.metadata.name.endsWith('-events') ? 'default' : 'ops', `${d.kind}/${d.metadata.name}`);
  }
  t.same(at(find(docs, 'ClusterRoleBinding'), 'subjects', 0, 'namespace'), 'ops', "the binding names the release's ServiceAccount");
  const agent = containerOf(docs, 'DaemonSet', 'reboot-manager-imds-agent');
  t.equal(parseImdsAgentConfig(agent.args?.slice(1) ?? [], envOf(agent)).server, 'http://reboot-manager.ops.svc/', 'the agent finds the server in ops');
});

void t.test('values change what an operator expects', async (t) => {
  const { ok, stderr, docs } = await template({
    replicas: 5,
    image: { repository: 'registry.example/rm', tag: '0.2.0' },
    service: { type: 'NodePort', nodePort: 30080, annotations: { 'example.com/lb': 'internal' } },
    server: { flags: { 'max-rebooting': 2, 'group-slots': 'workers=2', 'drain-timeout': '1h', 'health-gate': false, 'eviction-rate': 1_000_000 } },
    azure: { enabled: true, flags: { 'urgent-group': 'vm-going' } },
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }],
  });
  t.ok(ok, stderr);
  const deployment = find(docs, 'Deployment');
  t.equal(at(deployment, 'spec', 'replicas'), 5);
  const server = containerOf(docs, 'Deployment');
  t.equal(server.image, 'registry.example/rm:0.2.0');
  t.equal(containerOf(docs, 'DaemonSet', 'reboot-manager-imds-agent').image, 'registry.example/rm:0.2.0', 'the agent runs the same image');
  t.same(at(deployment, 'spec', 'template', 'spec', 'nodeSelector'), { 'kubernetes.io/os': 'linux' });
  t.same(
    (at(deployment, 'spec', 'template', 'spec', 'tolerations') as Obj[]).map((tol) => tol.key),
    ['node.kubernetes.io/unschedulable', 'dedicated'],
    'added to the cordon toleration, which stays',
  );

  // The server's own parser reads the chart's flags as given.
  const config = parseServeConfig(server.args?.slice(1) ?? [], envOf(server));
  t.equal(server.args?.[0], 'serve');
  t.equal(config.maxRebooting, 2);
  t.same([...config.groupSlots], [['workers', 2]]);
  t.equal(config.drainTimeout, 3_600_000);
  t.equal(config.healthGate, false);
  t.equal(config.evictionRate, 1_000_000, 'a large number is written as digits, not 1e+06');
  t.ok(config.urgentGroups.has('vm-going'), "the server's urgent groups follow the agent's");

  const service = find(docs, 'Service');
  t.match(at(service, 'spec'), { type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'fleetlock', port: 80, nodePort: 30080, targetPort: 'fleetlock' }] });
  t.same(at(service, 'metadata', 'annotations'), { 'example.com/lb': 'internal' });

  const clusterIp = await template({ service: { type: 'ClusterIP', port: 8080 } });
  t.same(at(find(clusterIp.docs, 'Service'), 'spec', 'ports'), [{ name: 'fleetlock', port: 8080, targetPort: 'fleetlock' }]);
  t.notOk(at(find(clusterIp.docs, 'Service'), 'spec', 'externalTrafficPolicy'), 'no externalTrafficPolicy, which ClusterIP does not take');

  const lean = await template({ rbac: { operator: false, requester: false }, podDisruptionBudget: { enabled: false }, networkPolicy: { enabled: false } });
  for (const name of ['ClusterRole/reboot-manager-operator', 'ClusterRole/reboot-manager-requester', 'Role/reboot-manager-operator-events', 'PodDisruptionBudget/reboot-manager', 'NetworkPolicy/reboot-manager']) {
    t.notOk(lean.docs.some((d) => `${d.kind}/${d.metadata.name}` === name), `${name} left out`);
  }
  t.ok(find(lean.docs, 'ClusterRole'), "the server's own ClusterRole stays");
});

void t.test('the internal port has no Service, whatever the values', async (t) => {
  for (const service of [{}, { type: 'NodePort' }, { type: 'ClusterIP' }]) {
    const { docs } = await template({ service, azure: { enabled: true } });
    const ports = docs.filter((d) => d.kind === 'Service').flatMap((d) => at(d, 'spec', 'ports') as Obj[]);
    t.same(ports.map((p) => p.targetPort), ['fleetlock'], JSON.stringify(service));
  }
});

void t.test('a bad value is refused, naming it, and nothing is rendered', async (t) => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['negative replicas', { replicas: -1 }, /replicas/],
    ['replicas as text', { replicas: 'three' }, /replicas/],
    ['a misspelt value', { replica: 3 }, /replica/],
    ['an unknown service type', { service: { type: 'Ingress' } }, /service.*type|type/],
    ['an unknown server flag', { server: { flags: { 'max-reboting': 2 } } }, /max-reboting/],
    ['a flag the chart owns', { server: { flags: { listen: '0.0.0.0:9000' } } }, /listen/],
    ['a bare off, which YAML reads as false', { server: { flags: { 'caller-check': false } } }, /caller-check/],
    ['a switch given as text', { server: { flags: { 'health-gate': 'no' } } }, /health-gate/],
    ['a port out of range', { service: { port: 70000 } }, /port/],
    ['the agent with TLS', { azure: { enabled: true }, tlsSecretName: 'reboot-manager-tls' }, /azure\.enabled and tlsSecretName/],
  ];
  for (const [what, values, names] of cases) {
    const out = await template(values);
    t.notOk(out.ok, `${what}: refused`);
    t.match(out.stderr, names, `${what}: ${out.stderr.split('\n').find((line) => names.test(line))?.trim() ?? out.stderr}`);
    t.same(out.docs, [], `${what}: nothing rendered`);
  }
});

void t.test('the schema knows every server and agent flag but the ones the chart sets itself, switches as booleans', async (t) => {
  const schema = JSON.parse(await readFile(`${CHART}/values.schema.json`, 'utf8')) as Obj;
  const chartOwned = { server: ['kubeconfig', 'listen', 'internal-listen', 'tls-cert-file', 'tls-key-file', 'identity', 'own-pod', 'namespace'], agent: ['server', 'machine-id-file', 'metrics-listen', 'source-address'] };
  const check = (where: string, flags: Obj, options: readonly { name: string; boolean?: boolean }[], owned: string[]): void => {
    const expected = options.filter((o) => !owned.includes(o.name));
    t.same(Object.keys(flags).sort(), expected.map((o) => o.name).sort(), `${where}: every flag, none the chart sets`);
    t.same(Object.keys(flags).filter((name) => (at(flags, name, 'type') as string[]).includes('boolean')).sort(), expected.filter((o) => o.boolean).map((o) => o.name).sort(), `${where}: the switches`);
  };
  check('server', at(schema, 'properties', 'server', 'properties', 'flags', 'properties') as Obj, Object.values(serveOptions), chartOwned.server);
  check('agent', at(schema, 'properties', 'azure', 'properties', 'flags', 'properties') as Obj, Object.values(imdsAgentOptions), chartOwned.agent);
});
