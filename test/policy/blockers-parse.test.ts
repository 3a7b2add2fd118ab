// spec.blockers: pods and alerts that hold back claims, parsed with defaults, or refused naming the field.
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_HEALTH_GATE } from '../../src/policy/health-gate.js';
import { PolicyError, parsePolicySpec } from '../../src/policy/parse.js';

const DEFAULTS = { maxUnavailable: 1, countUnavailable: true, healthGate: DEFAULT_HEALTH_GATE };
const parse = (blockers: unknown) => parsePolicySpec({ blockers }, DEFAULTS);

function fieldOf(blockers: unknown): string {
  try {
    parse(blockers);
  } catch (err) {
    if (err instanceof PolicyError && err.code === 'ERR_POLICY') return `${err.field}: ${err.reason}`;
    throw err;
  }
  return '(accepted)';
}

void t.test('no blockers: none, and nothing to watch', async (t) => {
  t.same(parsePolicySpec({}, DEFAULTS).podBlockers, []);
  t.same(parsePolicySpec({}, DEFAULTS).alertBlockers, []);
});

void t.test('a pod blocker: scope Cluster unless it says Node, every namespace unless it names one', async (t) => {
  const p = parse({
    pods: [
      { name: 'backups', selector: { matchLabels: { app: 'backup' } } },
      { name: 'local-jobs', namespace: 'batch', scope: 'Node', selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['critical'] }] } },
    ],
  });
  t.same(p.podBlockers, [
    { name: 'backups', selector: { matchLabels: { app: 'backup' }, matchExpressions: [] }, scope: 'cluster' },
    { name: 'local-jobs', namespace: 'batch', selector: { matchLabels: {}, matchExpressions: [{ key: 'tier', operator: 'In', values: ['critical'] }] }, scope: 'node' },
  ]);
});

void t.test('an alert blocker: Prometheus, block on error, every 30 s with a 10 s timeout unless it says otherwise', async (t) => {
  const p = parse({
    alerts: [
      { name: 'critical', url: 'http://prometheus.monitoring:9090/', selector: { matchLabels: { severity: 'critical' } } },
      { name: 'am', url: 'https://alertmanager.example.com/am', api: 'Alertmanager', onError: 'Proceed', intervalSeconds: 60, timeoutSeconds: 5 },
    ],
  });
  t.same(p.alertBlockers, [
    { name: 'critical', url: 'http://prometheus.monitoring:9090', api: 'prometheus', matchers: { matchLabels: { severity: 'critical' }, matchExpressions: [] }, onError: 'block', intervalMs: 30_000, timeoutMs: 10_000 },
    { name: 'am', url: 'https://alertmanager.example.com/am', api: 'alertmanager', matchers: { matchLabels: {}, matchExpressions: [] }, onError: 'proceed', intervalMs: 60_000, timeoutMs: 5_000 },
  ]);
});

void t.test('alert selectors are over Prometheus label names, whose values may be any text', async (t) => {
  const p = parse({ alerts: [{ name: 'a', url: 'http://p:9090', selector: { matchLabels: { __tenant: 'team a, b (x)' }, matchExpressions: [{ key: 'alertname', operator: 'NotIn', values: ['Watchdog'] }] } }] });
  t.same(p.alertBlockers[0]?.matchers.matchLabels, { __tenant: 'team a, b (x)' });
  t.match(fieldOf({ alerts: [{ name: 'a', url: 'http://p:9090', selector: { matchLabels: { 'app.kubernetes.io/name': 'x' } } }] }), /^spec\.blockers\.alerts\[0\]\.selector\.matchLabels: must be an alert label name/);
});

void t.test('a blocker the server cannot use is refused with the field that is wrong', async (t) => {
  const pod = (extra: object) => ({ name: 'p', selector: { matchLabels: { app: 'x' } }, ...extra });
  const alert = (extra: object) => ({ name: 'a', url: 'http://prometheus:9090', ...extra });
  const bad: [unknown, RegExp][] = [
    [{ pods: {} }, /^spec\.blockers\.pods: must be a list/],
    [{ pods: [pod({ name: 'Backups' })] }, /^spec\.blockers\.pods\[0\]\.name: must be a lower-case name/],
    [{ pods: [pod({}), pod({})] }, /^spec\.blockers\.pods\[1\]\.name: "p" names two blockers/],
    [{ pods: [pod({ selector: undefined })] }, /^spec\.blockers\.pods\[0\]\.selector: is required/],
    [{ pods: [pod({ selector: {} })] }, /^spec\.blockers\.pods\[0\]\.selector: must select something: an empty selector matches every pod/],
    [{ pods: [pod({ selector: { matchLabels: { app: 'a,b' } } })] }, /^spec\.blockers\.pods\[0\]\.selector\.matchLabels\.app: must be a label value/],
    [{ pods: [pod({ selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['x y'] }] } })] }, /^spec\.blockers\.pods\[0\]\.selector\.matchExpressions\[0\]\.values\[0\]: must be a label value/],
    [{ pods: [pod({ selector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['x'] }] } })] }, /^spec\.blockers\.pods\[0\]\.selector\.matchExpressions\[0\]\.values: Exists takes no values/],
    [{ pods: [pod({ scope: 'node' })] }, /^spec\.blockers\.pods\[0\]\.scope: must be Cluster or Node, got "node"/],
    [{ pods: [pod({ namespace: 'Kube System' })] }, /^spec\.blockers\.pods\[0\]\.namespace: must be a namespace name/],
    [{ pods: Array.from({ length: 17 }, (_, i) => pod({ name: `p${i}` })) }, /^spec\.blockers\.pods: at most 16 blockers/],
    [{ alerts: [alert({ url: undefined })] }, /^spec\.blockers\.alerts\[0\]\.url: is required/],
    [{ alerts: [alert({ url: 'prometheus:9090' })] }, /^spec\.blockers\.alerts\[0\]\.url: must be http:\/\/ or https:\/\//],
    [{ alerts: [alert({ url: 'http://' })] }, /^spec\.blockers\.alerts\[0\]\.url: is not a URL/],
    [{ alerts: [alert({ url: 'https://admin:hunter2@prometheus:9090' })] }, /^spec\.blockers\.alerts\[0\]\.url: must not carry credentials/],
    [{ alerts: [alert({ url: 'http://prometheus:9090/?token=x' })] }, /^spec\.blockers\.alerts\[0\]\.url: must be a base URL, without a query/],
    [{ alerts: [alert({ api: 'prometheus' })] }, /^spec\.blockers\.alerts\[0\]\.api: must be Prometheus or Alertmanager/],
    [{ alerts: [alert({ onError: 'Ignore' })] }, /^spec\.blockers\.alerts\[0\]\.onError: must be Block or Proceed/],
    [{ alerts: [alert({ intervalSeconds: 1 })] }, /^spec\.blockers\.alerts\[0\]\.intervalSeconds: must be a whole number of seconds from 5 to 3600/],
    [{ alerts: [alert({ timeoutSeconds: 0 })] }, /^spec\.blockers\.alerts\[0\]\.timeoutSeconds: must be a whole number of seconds from 1 to 60/],
    [{ alerts: [alert({ timeoutSeconds: 2.5 })] }, /^spec\.blockers\.alerts\[0\]\.timeoutSeconds/],
    [{ alerts: [alert({}), alert({ url: 'http://other:9090' })] }, /^spec\.blockers\.alerts\[1\]\.name: "a" names two blockers/],
    [{ alerts: [alert({ selector: { matchExpressions: [{ key: 'severity', operator: 'Has' }] } })] }, /^spec\.blockers\.alerts\[0\]\.selector\.matchExpressions\[0\]\.operator/],
  ];
  for (const [blockers, expected] of bad) t.match(fieldOf(blockers), expected, JSON.stringify(blockers).slice(0, 120));
});

void t.test('a refused URL with credentials does not repeat them in the error', async (t) => {
  t.notMatch(fieldOf({ alerts: [{ name: 'a', url: 'https://admin:hunter2@prometheus:9090' }] }), /hunter2/);
});

void t.test('the shipped example with both kinds of blockers', async (t) => {
  const doc = parseYaml(await readFile(new URL('../../kubernetes/examples/policy-blockers.yaml', import.meta.url), 'utf8')) as { spec: unknown };
  const p = parsePolicySpec(doc.spec, DEFAULTS);
  t.same(p.podBlockers.map((b) => [b.name, b.namespace ?? '*', b.scope]), [['backups', 'backup', 'cluster'], ['batch-jobs', '*', 'node']]);
  t.same(p.alertBlockers.map((b) => [b.name, b.api, b.onError, b.intervalMs, b.timeoutMs]), [
    ['critical', 'prometheus', 'block', 30_000, 10_000],
    ['platform-pages', 'alertmanager', 'proceed', 30_000, 10_000],
  ]);
});
