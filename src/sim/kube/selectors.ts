// Field and label selectors, as list and watch requests send them, and LabelSelector objects.
import { errors } from './errors.js';
import type { KubeObject, LabelSelector } from './types.js';
import { getPath } from './util.js';

export type Matcher = (obj: KubeObject) => boolean;

const always: Matcher = () => true;

/** Splits on commas outside parentheses ("a in (x,y),b"). */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x !== '');
}

function fieldValue(obj: KubeObject, path: string): string {
  const v = getPath(obj, path);
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** `metadata.name=x,spec.nodeName!=y`: any dotted path, compared as text like the server's field sets. */
export function parseFieldSelector(s: string | null): Matcher {
  if (!s) return always;
  const tests = splitTerms(s).map((term): Matcher => {
    const m = /^([A-Za-z0-9_.]+)\s*(==|!=|=)\s*(.*)$/.exec(term);
    if (!m) throw errors.badRequest(`unable to parse requirement: invalid field selector: ${JSON.stringify(term)}`);
    const [, path = '', op, value = ''] = m;
    return op === '!=' ? (o) => fieldValue(o, path) !== value : (o) => fieldValue(o, path) === value;
  });
  return (o) => tests.every((f) => f(o));
}

function labelsOf(obj: KubeObject): Record<string, string> {
  return obj.metadata.labels ?? {};
}

export function parseLabelSelector(s: string | null): Matcher {
  if (!s) return always;
  const tests = splitTerms(s).map((term): Matcher => {
    let m = /^(\S+?)\s+(in|notin)\s+\((.*)\)$/.exec(term);
    if (m) {
      const [, key = '', op, list = ''] = m;
      const values = list.split(',').map((v) => v.trim());
      return op === 'in'
        ? (o) => key in labelsOf(o) && values.includes(labelsOf(o)[key] ?? '')
        : (o) => !(key in labelsOf(o)) || !values.includes(labelsOf(o)[key] ?? '');
    }
    m = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(term);
    if (m) {
      const [, key = '', op, value = ''] = m;
      return op === '!=' ? (o) => labelsOf(o)[key] !== value : (o) => labelsOf(o)[key] === value;
    }
    m = /^(!?)([A-Za-z0-9_./-]+)$/.exec(term);
    if (m) {
      const [, neg, key = ''] = m;
      return neg ? (o) => !(key in labelsOf(o)) : (o) => key in labelsOf(o);
    }
    throw errors.badRequest(`unable to parse requirement: invalid label selector: ${JSON.stringify(term)}`);
  });
  return (o) => tests.every((f) => f(o));
}

/** A metav1.LabelSelector object; null or absent selects nothing, {} selects everything. */
export function labelSelectorMatches(sel: LabelSelector | null | undefined, labels: Record<string, string> | undefined): boolean {
  if (!sel) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = e.key in l;
    const val = l[e.key] ?? '';
    const values = e.values ?? [];
    if (e.operator === 'In' && !(has && values.includes(val))) return false;
    if (e.operator === 'NotIn' && has && values.includes(val)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
