// Every metric the shipped alert rules and Grafana dashboard query is one the real server exports: read from the
// `# TYPE` lines of a replica's GET /metrics on the simulator, so a metric that lands later is picked up by itself.
import { mkdir, writeFile } from 'node:fs/promises';
import t from 'tap';
import { granted } from '../support/drain-cluster.js';
import { startCluster } from '../support/cluster.js';
import { scrape, type Sample } from '../support/metrics.js';
import { NO_PROMTOOL, asPromQL, dashboard, dashboardQueries, exportedNames, labelsRead, metricNames, promtool, ruleGroups, ruleQueries, type Query } from '../support/monitoring.js';

/** Queried before the server exports them: the gauges of "who is waiting" (issue 13, item 1). */
/** Labels Prometheus puts on every scraped series (a PodMonitor's target labels): the server does not export them. */
const TARGET_LABELS = ['namespace', 'instance', 'job', 'pod', 'container'];

/** Adds where `q` is used to the failures found under `key`. */
const usedAt = (out: Map<string, string[]>, key: string, q: Query): void => void out.set(key, [...(out.get(key) ?? []), q.where]);

/** `metric: label -> where it is used` for every label the queries read that no sample of that metric carries. */
function unknownLabels(queries: readonly Query[], samples: readonly Sample[]): Map<string, string[]> {
  const labels = new Map<string, Set<string>>();
  for (const s of samples) labels.set(s.name, new Set([...(labels.get(s.name) ?? []), ...Object.keys(s.labels), ...TARGET_LABELS]));
  const out = new Map<string, string[]>();
  for (const q of queries) {
    for (const [name, read] of labelsRead(q.expr)) {
      const known = labels.get(name);
      for (const label of known ? read : []) if (!known?.has(label)) usedAt(out, `${name}: ${label}`, q);
    }
  }
  return out;
}

/** `name -> where it is used` for every name the queries read that `exported` lacks. */
function missing(queries: readonly Query[], exported: ReadonlySet<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const q of queries) for (const name of metricNames(q.expr)) if (!exported.has(name)) usedAt(out, name, q);
  return out;
}

void t.test('the PromQL reader finds the metrics, not the functions, labels, ranges or variables, and the labels read of each', async (t) => {
  t.same([...metricNames('histogram_quantile(0.95, sum by (le) (rate(a_bucket{namespace=~"$namespace", x="y z"}[$__rate_interval])))')], ['a_bucket']);
  t.same([...metricNames('max by (namespace) (b and on (instance) (c == 1)) > 6 * 3600 or absent(d) unless e offset 5m')], ['b', 'c', 'd', 'e']);
  t.same([...metricNames('sum(rate(f[5m])) by (le) / ignoring(x) group_left(y) g')], ['f', 'g']);
  t.same(labelsRead('max by (node) (h{phase=~"a|b", x!="c"}) and on (y) sum by (le, group) (rate(i_bucket[5m]))'), new Map([['h', new Set(['phase', 'x', 'node'])], ['i_bucket', new Set(['le', 'group'])]]));
});

void t.test('the rules and the dashboard query only metrics and labels a running server exports', async (t) => {
  const c = await startCluster(t, { nodes: 2 });
  t.match(await granted(c, 'node-01'), { ok: true }, 'node-01 holds a slot: the holder gauges have series to read labels from');
  const scraped = await scrape((await c.leader()).internalUrl);
  const exported = exportedNames(scraped.types);
  t.ok(exported.has('reboot_manager_leader') && exported.has('reboot_manager_claim_wait_seconds_bucket'), 'the scrape lists gauges and histogram series');

  for (const [what, queries] of [
    ['alert rules', ruleQueries(await ruleGroups())],
    ['dashboard', dashboardQueries(await dashboard())],
  ] as const) {
    t.ok(queries.length > 0, `${what}: queries found`);
    const absent = missing(queries, exported);
    t.same(Object.fromEntries(absent), {}, `${what}: every metric name is exported by the server (missing name -> where it is used)`);
    t.same(Object.fromEntries(unknownLabels(queries, scraped.samples)), {}, `${what}: every label read is one the metric carries (metric: label -> where it is used)`);
  }
});

void t.test('every dashboard query is valid PromQL (promtool, with Grafana variables filled in)', async (t) => {
  const queries = dashboardQueries(await dashboard()).filter((q) => !q.where.startsWith('variable'));
  const rules = { groups: [{ name: 'dashboard', rules: queries.map((q, i) => ({ record: `dashboard:query_${i}`, expr: asPromQL(q.expr) })) }] };
  const file = `${t.testdir()}/dashboard.rules.json`;
  await mkdir(t.testdir(), { recursive: true });
  await writeFile(file, JSON.stringify(rules));
  const check = await promtool(['check', 'rules', file]);
  if (!check) return t.plan(0, NO_PROMTOOL);
  t.equal(check.code, 0, 'promtool check rules over the dashboard queries', { output: check.output });
  t.match(check.output, `SUCCESS: ${queries.length} rules found`, `all ${queries.length} queries parse`);
});

void t.test('every panel, query and variable reads the Prometheus data source picked on the dashboard', async (t) => {
  const d = await dashboard();
  t.match(d.templating?.list.find((v) => v.name === 'datasource'), { type: 'datasource', query: 'prometheus' }, 'a data source picker, of Prometheus data sources');
  // Grafana fills the variable in; a fixed uid would name a data source of the Grafana the dashboard was made on.
  const picked = '${datasource}';
  const panels = d.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
  t.same(panels.filter((p) => !(p.datasource?.uid === picked && (p.targets ?? []).every((q) => q.datasource?.uid === picked))).map((p) => p.title), [], 'no panel bound to one Grafana instance');
  t.same(d.templating?.list.filter((v) => v.type === 'query' && v.datasource?.uid !== picked).map((v) => v.name), [], 'no variable bound to one Grafana instance');
});
