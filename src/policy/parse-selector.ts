// Label selectors in the policy (pool node selectors, pod blockers, alert blockers), validated into data.
import type { LabelSelector, LabelSelectorRequirement } from '../slot/label-selector.js';
import { PolicyError, object } from './parse-error.js';

/** A Kubernetes label key: optional DNS-subdomain prefix and `/`, then a name of up to 63 characters. */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A Kubernetes label value: empty, or up to 63 of these characters, alphanumeric at both ends. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
/** A Prometheus label name (alert labels): values there are any string. */
const ALERT_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** Which labels a selector is over: Kubernetes objects' (sent to the API server as text) or alerts'. */
export type SelectorLabels = 'kubernetes' | 'alert';

/** A Kubernetes label key, or a `PolicyError` naming `field`. */
export function parseLabelKey(v: unknown, field: string, what = 'a node label key'): string {
  if (typeof v !== 'string' || !LABEL_KEY.test(v)) throw new PolicyError(field, `must be ${what}, got ${JSON.stringify(v)}`);
  return v;
}

function key(v: unknown, field: string, labels: SelectorLabels): string {
  if (labels === 'kubernetes') return parseLabelKey(v, field, 'a label key');
  if (typeof v !== 'string' || !ALERT_LABEL.test(v)) throw new PolicyError(field, `must be an alert label name (letters, digits, underscores), got ${JSON.stringify(v)}`);
  return v;
}

function value(v: unknown, field: string, labels: SelectorLabels): string {
  if (typeof v !== 'string') throw new PolicyError(field, 'must be a string');
  // A Kubernetes object never carries another value, and the API server's selector syntax cannot quote one.
  if (labels === 'kubernetes' && !LABEL_VALUE.test(v)) throw new PolicyError(field, `must be a label value (up to 63 letters, digits, '-', '_', '.'), got ${JSON.stringify(v)}`);
  return v;
}

function requirement(v: unknown, field: string, labels: SelectorLabels): LabelSelectorRequirement {
  const o = object(v, field);
  const operator = o.operator;
  if (typeof operator !== 'string' || !OPERATORS.has(operator)) throw new PolicyError(`${field}.operator`, 'must be In, NotIn, Exists or DoesNotExist');
  const values = o.values ?? [];
  if (!Array.isArray(values)) throw new PolicyError(`${field}.values`, 'must be a list of strings');
  const withValues = operator === 'In' || operator === 'NotIn';
  if (withValues !== values.length > 0) throw new PolicyError(`${field}.values`, withValues ? `${operator} needs values` : `${operator} takes no values`);
  return {
    key: key(o.key, `${field}.key`, labels),
    operator: operator as LabelSelectorRequirement['operator'],
    values: values.map((x, i) => value(x, `${field}.values[${i}]`, labels)),
  };
}

/** A `metav1.LabelSelector` in the policy; throws `PolicyError` naming the bad field. */
export function parseSelector(v: unknown, field: string, labels: SelectorLabels = 'kubernetes'): LabelSelector {
  const o = object(v, field);
  const matchLabels = object(o.matchLabels, `${field}.matchLabels`);
  for (const [k, x] of Object.entries(matchLabels)) {
    key(k, `${field}.matchLabels`, labels);
    value(x, `${field}.matchLabels.${k}`, labels);
  }
  const expressions = o.matchExpressions ?? [];
  if (!Array.isArray(expressions)) throw new PolicyError(`${field}.matchExpressions`, 'must be a list');
  return { matchLabels: matchLabels as Record<string, string>, matchExpressions: expressions.map((e, i) => requirement(e, `${field}.matchExpressions[${i}]`, labels)) };
}
