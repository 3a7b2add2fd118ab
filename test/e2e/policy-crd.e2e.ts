// The RebootPolicy CustomResourceDefinition on a real API server: it documents itself through
// `kubectl explain`, accepts the shipped examples and rejects what the server could not use.
import { readdir } from 'node:fs/promises';
import t from 'tap';
import { pollUntil } from '../../kit/poll.js';
import { createKubeApi } from '../../src/kube/rest-api.js';
import { REPO, startE2eCluster } from './support/e2e-cluster.js';

const rejection = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? (err as Error).message);
  }
  return '';
};

void t.test('the RebootPolicy CRD: explained, the examples accepted, bad policies rejected with the field', async (t) => {
  const { plane } = await startE2eCluster(t, { nodes: 0 });
  await pollUntil('the CRD established', async () => {
    const r = await plane.kubectl(['get', 'crd', 'rebootpolicies.rebootmanager.io', '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}']);
    return r.stdout === 'True';
  });
  const explained = await pollUntil('kubectl explain to know the kind', async () => {
    const r = await plane.kubectl(['explain', 'rebootpolicy.spec.pools']).catch(() => undefined);
    return r?.stdout;
  });
  t.match(explained, /nodeSelector/, 'kubectl explain documents the pools');
  t.match(explained, /several\s+pools/, 'with its description');

  const examples = (await readdir(`${REPO}kubernetes/examples`)).filter((f) => f.startsWith('policy-'));
  for (const file of examples) {
    await plane.kubectl(['apply', '-f', `${REPO}kubernetes/examples/${file}`]);
    t.pass(`${file} accepted`);
  }
  const countUnavailable = async (): Promise<string> => (await plane.kubectl(['get', 'rebootpolicy', 'default', '-o', 'jsonpath={.spec.countUnavailable}'])).stdout;
  await plane.kubectl(['apply', '-f', `${REPO}kubernetes/examples/policy-strict.yaml`]);
  t.equal(await countUnavailable(), 'false', 'the policy applied last is the one stored');
  await plane.kubectl(['apply', '-f', `${REPO}kubernetes/examples/policy-zones.yaml`]);
  t.equal(await countUnavailable(), 'true', 'the API server fills in the default of a field left out');

  const policy = (spec: string, name = 'default') => `apiVersion: rebootmanager.io/v1alpha1\nkind: RebootPolicy\nmetadata: { name: ${name} }\nspec: ${spec}\n`;
  const bad: [string, RegExp][] = [
    [policy('{ maxUnavailable: "150%" }'), /spec\.maxUnavailable.*percentage from 1% to 100%/s],
    [policy('{ maxUnavailable: 0 }'), /spec\.maxUnavailable.*at least 1/s],
    [policy('{ pools: [{ name: a, nodeSelector: {}, maxUnavailable: 1, topology: { key: zone } }] }'), /spec\.pools\[0\]\.topology\.maxUnavailable: Required value/],
    [policy('{ pools: [{ name: a, nodeSelector: { matchExpressions: [{ key: k, operator: Has }] }, maxUnavailable: 1 }] }'), /operator: Unsupported value: "Has"/],
    [policy('{ pools: [{ name: a, nodeSelector: {}, maxUnavailable: 1 }, { name: a, nodeSelector: {}, maxUnavailable: 2 }] }'), /spec\.pools\[1\]: Duplicate value/],
    [policy('{ windows: [{ days: [Mon, Mon], start: "22:00", end: "04:00", timeZone: UTC }] }'), /spec\.windows\[0\]\.days\[1\]: Duplicate value: "Mon"/],
    [policy('{ pools: [{ name: a, nodeSelector: {}, maxUnavailable: 1, windows: [{ days: [Sun], start: "24:00", end: "04:00", timeZone: UTC }] }] }'), /spec\.pools\[0\]\.windows\[0\]\.start.*should match/s],
    [policy('{}', 'other'), /reads the RebootPolicy named "default"/],
    [policy('{ blockers: { pods: [{ name: b, selector: {} }] } }'), /spec\.blockers\.pods\[0\]\.selector: Invalid value.*must select something/s],
    [policy('{ blockers: { pods: [{ name: b, selector: { matchLabels: { a: x } } }, { name: b, selector: { matchLabels: { a: y } } }] } }'), /spec\.blockers\.pods\[1\]: Duplicate value/],
    [policy('{ blockers: { alerts: [{ name: a, url: "https://user:secret@prometheus:9090" }] } }'), /spec\.blockers\.alerts\[0\]\.url: Invalid value/],
    [policy('{ blockers: { alerts: [{ name: a, url: "http://prometheus:9090", onError: Ignore }] } }'), /onError: Unsupported value: "Ignore"/],
  ];
  for (const [yaml, message] of bad) t.match(await rejection(plane.kubectl(['apply', '--dry-run=server', '-f', '-'], { input: yaml })), message, `rejected: ${yaml.split('\n')[3] ?? ''}`);

  // The last accepted spec lives in the status, whole: the schema keeps its fields, and a newer one replaces it key for key.
  const api = createKubeApi(plane.adminKubeconfig);
  const older = { maxUnavailable: '25%', windows: [{ days: ['Sat'], start: '22:00', end: '04:00', timeZone: 'Mars/Olympus' }] };
  const newer = { maxUnavailable: 2, pools: [{ name: 'web', nodeSelector: { matchLabels: { role: 'web' } }, maxUnavailable: '50%' }] };
  await api.replaceCustomStatus('rebootpolicies', 'default', { observedGeneration: 1, inForce: { generation: 1, spec: older } });
  await api.replaceCustomStatus('rebootpolicies', 'default', { observedGeneration: 2, inForce: { generation: 2, spec: newer } });
  t.same(((await api.readCustom('rebootpolicies', 'default')) as { status?: { inForce?: unknown } }).status?.inForce, { generation: 2, spec: newer }, 'status.inForce stored as written');
});
