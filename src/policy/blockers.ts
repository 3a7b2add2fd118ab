// Blockers as the policy states them: pods and firing alerts that hold back new claims.
import type { LabelSelector } from '../slot/label-selector.js';
import { NAME, PolicyError, object } from './parse-error.js';
import { parseSelector } from './parse-selector.js';

/** Pods matching `selector` block new claims: anywhere (`cluster`), or only on the asking node (`node`). */
export interface PodBlocker {
  readonly name: string;
  /** Only pods in this namespace; unset: every namespace. */
  readonly namespace?: string;
  readonly selector: LabelSelector;
  readonly scope: 'cluster' | 'node';
}

/** Firing alerts matching `matchers` (on alert labels) block new claims. */
export interface AlertBlocker {
  readonly name: string;
  /** Base URL of Prometheus or Alertmanager (http or https, no credentials, query or fragment). */
  readonly url: string;
  readonly api: 'prometheus' | 'alertmanager';
  readonly matchers: LabelSelector;
  /** When the query fails: block new claims (default) or proceed. */
  readonly onError: 'block' | 'proceed';
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

export const ALERT_DEFAULTS = { api: 'prometheus', onError: 'block', intervalSeconds: 30, timeoutSeconds: 10 } as const;

function list(v: unknown, field: string, max: number): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new PolicyError(field, 'must be a list');
  if (v.length > max) throw new PolicyError(field, `at most ${max} blockers, got ${v.length}`);
  return v;
}

function name(o: Record<string, unknown>, field: string, seen: Set<string>): string {
  if (typeof o.name !== 'string' || !NAME.test(o.name) || o.name.length > 63) throw new PolicyError(`${field}.name`, 'must be a lower-case name (letters, digits, dashes), up to 63 characters');
  if (seen.has(o.name)) throw new PolicyError(`${field}.name`, `"${o.name}" names two blockers`);
  seen.add(o.name);
  return o.name;
}

/** One of `allowed` (as the CRD spells them), as the lower-case value the server uses; absent: `fallback`. */
function choice<T extends string>(v: unknown, field: string, allowed: readonly string[], fallback: T): T {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string' || !allowed.includes(v)) throw new PolicyError(field, `must be ${allowed.join(' or ')}, got ${JSON.stringify(v)}`);
  return v.toLowerCase() as T;
}

function seconds(v: unknown, field: string, min: number, max: number, fallback: number): number {
  if (v === undefined || v === null) return fallback * 1000;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new PolicyError(field, `must be a whole number of seconds from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return v * 1000;
}

function podBlocker(v: unknown, field: string, seen: Set<string>): PodBlocker {
  const o = object(v, field);
  const blockerName = name(o, field, seen);
  if (o.namespace !== undefined && o.namespace !== null && (typeof o.namespace !== 'string' || !NAME.test(o.namespace) || o.namespace.length > 63)) {
    throw new PolicyError(`${field}.namespace`, `must be a namespace name, got ${JSON.stringify(o.namespace)}`);
  }
  if (o.selector === undefined || o.selector === null) throw new PolicyError(`${field}.selector`, 'is required');
  const selector = parseSelector(o.selector, `${field}.selector`);
  // An empty selector would make every pod in the cluster a blocker: surely a mistake.
  if (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0) {
    throw new PolicyError(`${field}.selector`, 'must select something: an empty selector matches every pod');
  }
  return {
    name: blockerName,
    ...(typeof o.namespace === 'string' ? { namespace: o.namespace } : {}),
    selector,
    scope: choice<PodBlocker['scope']>(o.scope, `${field}.scope`, ['Cluster', 'Node'], 'cluster'),
  };
}

/**
 * The base URL, checked: http(s) only, and no user:password, query or fragment. The policy is readable by
 * whoever may read RebootPolicies, so it is no place for a secret.
 */
function baseUrl(v: unknown, field: string): string {
  if (typeof v !== 'string' || v === '') throw new PolicyError(field, 'is required: the base URL of Prometheus or Alertmanager');
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new PolicyError(field, 'is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PolicyError(field, `must be http:// or https://, got ${url.protocol}`);
  if (url.username !== '' || url.password !== '') throw new PolicyError(field, 'must not carry credentials: anyone who can read the policy could read them');
  if (url.search !== '' || url.hash !== '') throw new PolicyError(field, 'must be a base URL, without a query or fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function alertBlocker(v: unknown, field: string, seen: Set<string>): AlertBlocker {
  const o = object(v, field);
  const blockerName = name(o, field, seen);
  const timeoutMs = seconds(o.timeoutSeconds, `${field}.timeoutSeconds`, 1, 60, ALERT_DEFAULTS.timeoutSeconds);
  const intervalMs = seconds(o.intervalSeconds, `${field}.intervalSeconds`, 5, 3600, ALERT_DEFAULTS.intervalSeconds);
  return {
    name: blockerName,
    url: baseUrl(o.url, `${field}.url`),
    api: choice<AlertBlocker['api']>(o.api, `${field}.api`, ['Prometheus', 'Alertmanager'], ALERT_DEFAULTS.api),
    matchers: parseSelector(o.selector, `${field}.selector`, 'alert'),
    onError: choice<AlertBlocker['onError']>(o.onError, `${field}.onError`, ['Block', 'Proceed'], ALERT_DEFAULTS.onError),
    intervalMs,
    timeoutMs,
  };
}

/** `spec.blockers.pods`; throws `PolicyError` naming the bad field. */
export function parsePodBlockers(v: unknown, field: string): PodBlocker[] {
  const seen = new Set<string>();
  return list(v, field, 16).map((b, i) => podBlocker(b, `${field}[${i}]`, seen));
}

/** `spec.blockers.alerts`; throws `PolicyError` naming the bad field. */
export function parseAlertBlockers(v: unknown, field: string): AlertBlocker[] {
  const seen = new Set<string>();
  return list(v, field, 8).map((b, i) => alertBlocker(b, `${field}[${i}]`, seen));
}
