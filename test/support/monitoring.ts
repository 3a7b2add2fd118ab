// The shipped alert rules and Grafana dashboard (kubernetes/monitoring/), their PromQL, and promtool, for the monitoring tests.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { KUBERNETES } from './manifests.js';

export const MONITORING = `${KUBERNETES}monitoring/`;

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: Rule[];
}

/** A PromQL expression and where it is used, to name it in a failure. */
export interface Query {
  readonly where: string;
  readonly expr: string;
}

export const readYaml = async (path: string): Promise<unknown> => parse(await readFile(path, 'utf8')) as unknown;

export async function ruleGroups(): Promise<RuleGroup[]> {
  return ((await readYaml(`${MONITORING}alerts.rules.yaml`)) as { groups: RuleGroup[] }).groups;
}

export const ruleQueries = (groups: readonly RuleGroup[]): Query[] => groups.flatMap((g) => g.rules.map((r) => ({ where: `rule ${r.alert ?? r.record ?? '?'}`, expr: r.expr })));

interface DataSource {
  type?: string;
  uid?: string;
}

export interface Panel {
  type: string;
  title?: string;
  datasource?: DataSource;
  targets?: { expr?: string; datasource?: DataSource }[];
  panels?: Panel[];
}

interface Dashboard {
  panels: Panel[];
  templating?: { list: { name: string; type: string; query?: string | { query?: string }; datasource?: DataSource }[] };
}

export async function dashboard(): Promise<Dashboard> {
  return JSON.parse(await readFile(`${MONITORING}grafana-dashboard.json`, 'utf8')) as Dashboard;
}

/** Every panel's query (rows' nested panels too) and every template variable's `label_values(SELECTOR, label)`. */
export function dashboardQueries(d: Dashboard): Query[] {
  const out: Query[] = [];
  const visit = (panels: readonly Panel[]): void => {
    for (const p of panels) {
      for (const [i, t] of (p.targets ?? []).entries()) if (t.expr) out.push({ where: `panel "${p.title ?? '?'}" query ${i + 1}`, expr: t.expr });
      visit(p.panels ?? []);
    }
  };
  visit(d.panels);
  for (const v of d.templating?.list ?? []) {
    const q = typeof v.query === 'string' ? v.query : v.query?.query;
    const selector = q === undefined ? undefined : /^label_values\(\s*([^,]+?)\s*,/.exec(q)?.[1];
    if (selector) out.push({ where: `variable $${v.name}`, expr: selector });
  }
  return out;
}

/** The expression with Grafana's variables replaced by values PromQL accepts, for promtool. */
export const asPromQL = (expr: string): string => expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m').replace(/\$\{?(\w+)\}?/g, '$1');

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'inf', 'nan']);

/**
 * The metric names an expression reads: identifiers outside strings, label matchers, ranges and grouping
 * lists that are neither a function call nor a keyword. Good for the expressions we ship, not a PromQL parser.
 */
export function metricNames(expr: string): Set<string> {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = new Set<string>();
  for (const m of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = m[0];
    const at = (m.index ?? 0) + name.length;
    const calls = /^\s*\(/.test(bare.slice(at));
    const inNumber = m.index !== undefined && m.index > 0 && /[0-9.]/.test(bare.charAt(m.index - 1));
    if (!calls && !inNumber && !KEYWORDS.has(name.toLowerCase())) names.add(name);
  }
  return names;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';

/**
 * The label names an expression reads of each metric: those in its matchers, and those of a `by (...)` that
 * aggregates the metric directly (or its rate or increase). Labels of joins (`on`, `group_left`) are not read.
 */
export function labelsRead(expr: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (name: string, labels: Iterable<string>): void => {
    const set = out.get(name) ?? new Set<string>();
    for (const l of labels) set.add(l);
    out.set(name, set);
  };
  for (const m of expr.matchAll(new RegExp(`(${NAME})\\{([^}]*)\\}`, 'g'))) add(m[1] ?? '', [...(m[2] ?? '').matchAll(/(\w+)\s*(?:=~|!~|!=|=)\s*"/g)].map((l) => l[1] ?? ''));
  const grouped = new RegExp(`\\bby\\s*\\(([^)]*)\\)\\s*\\(\\s*(?:(?:rate|irate|increase|delta)\\s*\\(\\s*)?(${NAME})`, 'g');
  for (const m of expr.matchAll(grouped)) add(m[2] ?? '', (m[1] ?? '').split(',').map((l) => l.trim()).filter((l) => l !== ''));
  return out;
}

/** The series names a scrape's `# TYPE` lines promise: a histogram's _bucket, _sum and _count, a summary's _sum and _count. */
export function exportedNames(types: ReadonlyMap<string, string>): Set<string> {
  const out = new Set<string>();
  for (const [name, type] of types) {
    out.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) out.add(name + s);
  }
  return out;
}

export interface Promtool {
  readonly code: number;
  readonly output: string;
}

/** Runs promtool; undefined when it is not installed. */
export async function promtool(args: string[]): Promise<Promtool | undefined> {
  try {
    const { stdout, stderr } = await promisify(execFile)('promtool', args, { timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { code?: string | number; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') return undefined;
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

export const NO_PROMTOOL = 'promtool is not installed (Debian package prometheus; .ci/run installs it)';
