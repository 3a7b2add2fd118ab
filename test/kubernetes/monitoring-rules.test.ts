// kubernetes/monitoring: the alert rules pass promtool and its unit tests, the PrometheusRule holds the same rules,
// every alert says what to do (with a runbook in the README), and the folder renders apart from the base.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { kinds, render } from '../support/manifests.js';
import { MONITORING, NO_PROMTOOL, promtool, readYaml, ruleGroups, type RuleGroup } from '../support/monitoring.js';

const UNIT_TESTS = fileURLToPath(new URL('alerts.promtool.yaml', import.meta.url));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));

interface UnitTests {
  tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

void t.test('promtool accepts the rules, and every unit test passes', async (t) => {
  const check = await promtool(['check', 'rules', `${MONITORING}alerts.rules.yaml`]);
  if (!check) return t.plan(0, NO_PROMTOOL);
  t.equal(check.code, 0, 'promtool check rules kubernetes/monitoring/alerts.rules.yaml', { output: check.output });
  const unit = await promtool(['test', 'rules', UNIT_TESTS]);
  t.equal(unit?.code, 0, 'promtool test rules test/kubernetes/alerts.promtool.yaml', { output: unit?.output });
});

void t.test('every alert is unit-tested both ways: firing, and quiet when it should be', async (t) => {
  const alerts = (await ruleGroups()).flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));
  const cases = ((await readYaml(UNIT_TESTS)) as UnitTests).tests.flatMap((c) => c.alert_rule_test ?? []);
  for (const alert of alerts) {
    t.ok(cases.some((c) => c.alertname === alert && (c.exp_alerts ?? []).length > 0), `${alert}: a case where it fires`);
    t.ok(cases.some((c) => c.alertname === alert && (c.exp_alerts ?? []).length === 0), `${alert}: a case where it stays quiet`);
  }
  t.same(cases.map((c) => c.alertname).filter((a) => !alerts.includes(a)), [], 'no case names an alert that does not exist');
});

void t.test('the PrometheusRule holds exactly the rules of alerts.rules.yaml', async (t) => {
  const rule = (await readYaml(`${MONITORING}prometheusrule.yaml`)) as { apiVersion: string; kind: string; spec: { groups: RuleGroup[] } };
  t.equal(rule.apiVersion, 'monitoring.coreos.com/v1');
  t.equal(rule.kind, 'PrometheusRule');
  t.same(rule.spec.groups, await ruleGroups(), 'edit alerts.rules.yaml and copy its groups under spec: in prometheusrule.yaml');
});

void t.test('every alert has a severity, a summary, a description that says what to do, and a runbook in the README', async (t) => {
  const readme = await readFile(README, 'utf8');
  const section = /\n## Alerts and dashboard\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
  t.not(section, '', 'README has a section "Alerts and dashboard"');
  for (const group of await ruleGroups()) {
    for (const rule of group.rules) {
      if (!rule.alert) continue;
      t.match(rule.labels?.severity, /^(critical|warning)$/, `${rule.alert}: severity critical or warning`);
      t.ok(rule.annotations?.summary, `${rule.alert}: summary`);
      t.ok((rule.annotations?.description ?? '').length > 80, `${rule.alert}: a description long enough to say what to do`);
      t.match(section, new RegExp(`\\| \`${rule.alert}\` \\|`), `${rule.alert}: a runbook row in the README`);
    }
  }
});

void t.test('kubectl kustomize kubernetes/monitoring: rules, scraping and the dashboard, none of it in the base', async (t) => {
  let docs;
  let base;
  try {
    [docs, base] = await Promise.all([render(MONITORING), render()]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return t.plan(0, 'kubectl is not installed');
    throw err;
  }
  t.same(kinds(docs), ['ConfigMap/reboot-manager-dashboard', 'PodMonitor/reboot-manager', 'PrometheusRule/reboot-manager']);
  t.ok(docs.every((d) => d.metadata.namespace === 'reboot-manager'), 'all in the reboot-manager namespace');
  const configMap = docs.find((d) => d.kind === 'ConfigMap') as unknown as { metadata: { labels: Record<string, string> }; data: Record<string, string> };
  t.equal(configMap.metadata.labels.grafana_dashboard, '1', "labelled for Grafana's dashboard sidecar");
  t.same(JSON.parse(configMap.data['reboot-manager.json'] ?? '{}'), JSON.parse(await readFile(`${MONITORING}grafana-dashboard.json`, 'utf8')), 'the dashboard file, unchanged');
  const podMonitor = docs.find((d) => d.kind === 'PodMonitor');
  t.match(podMonitor?.spec, { selector: { matchLabels: { 'app.kubernetes.io/name': 'reboot-manager' } }, podMetricsEndpoints: [{ port: 'internal', path: '/metrics' }] }, 'scrapes the internal port of the server pods');
  t.same(base.filter((d) => d.kind.startsWith('Prometheus') || d.kind === 'PodMonitor'), [], 'the base needs no Prometheus Operator');
});
