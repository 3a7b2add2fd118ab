// The RebootPolicy object's spec, validated into the policy in force. Every error names its field.
import type { LabelSelector, LabelSelectorRequirement } from '../slot/label-selector.js';
import type { Amount, Pool, TopologyCap } from '../slot/pools.js';
import { parseAlertBlockers, parsePodBlockers } from './blockers.js';
import { parseHealthGate } from './health-gate.js';
import { PolicyError, object } from './parse-error.js';
import type { Pause, Policy, PolicyDefaults } from './policy.js';
import { parseWindows, type Window } from './windows.js';

export { PolicyError } from './parse-error.js';

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** `2` or `"25%"`: a whole number of nodes (at least 1), or a percentage from 1 to 100. */
export function parseAmount(v: unknown, field: string): Amount {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1) return { count: v };
  const m = typeof v === 'string' ? /^(\d{1,3})%$/.exec(v) : null;
  const percent = m ? Number(m[1]) : NaN;
  if (percent >= 1 && percent <= 100) return { percent };
  throw new PolicyError(field, `must be a whole number of nodes (at least 1) or a percentage like "25%" (1% to 100%), got ${JSON.stringify(v)}`);
}

function labelKey(v: unknown, field: string): string {
  if (typeof v !== 'string' || !LABEL_KEY.test(v)) throw new PolicyError(field, `must be a node label key, got ${JSON.stringify(v)}`);
  return v;
}

function topology(v: unknown, field: string): TopologyCap | undefined {
  if (v === undefined || v === null) return undefined;
  const o = object(v, field);
  const max = o.maxUnavailable;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) throw new PolicyError(`${field}.maxUnavailable`, 'must be a whole number of nodes, at least 1');
  return { key: labelKey(o.key, `${field}.key`), max };
}

function requirement(v: unknown, field: string): LabelSelectorRequirement {
  const o = object(v, field);
  const operator = o.operator;
  if (typeof operator !== 'string' || !OPERATORS.has(operator)) throw new PolicyError(`${field}.operator`, 'must be In, NotIn, Exists or DoesNotExist');
  const values = o.values ?? [];
  if (!Array.isArray(values) || !values.every((x) => typeof x === 'string')) throw new PolicyError(`${field}.values`, 'must be a list of strings');
  const withValues = operator === 'In' || operator === 'NotIn';
  if (withValues !== values.length > 0) throw new PolicyError(`${field}.values`, withValues ? `${operator} needs values` : `${operator} takes no values`);
  return { key: labelKey(o.key, `${field}.key`), operator: operator as LabelSelectorRequirement['operator'], values: values };
}

/** A `metav1.LabelSelector` in the policy (pools, blockers); throws `PolicyError` naming the bad field. */
export function parseSelector(v: unknown, field: string): LabelSelector {
  const o = object(v, field);
  const matchLabels = object(o.matchLabels, `${field}.matchLabels`);
  for (const [k, value] of Object.entries(matchLabels)) {
    labelKey(k, `${field}.matchLabels`);
    if (typeof value !== 'string') throw new PolicyError(`${field}.matchLabels.${k}`, 'must be a string');
  }
  const expressions = o.matchExpressions ?? [];
  if (!Array.isArray(expressions)) throw new PolicyError(`${field}.matchExpressions`, 'must be a list');
  return { matchLabels: matchLabels as Record<string, string>, matchExpressions: expressions.map((e, i) => requirement(e, `${field}.matchExpressions[${i}]`)) };
}

function pool(v: unknown, field: string, seen: Set<string>, windows: Map<string, readonly Window[]>): Pool {
  const o = object(v, field);
  if (typeof o.name !== 'string' || !NAME.test(o.name)) throw new PolicyError(`${field}.name`, 'must be a lower-case name (letters, digits, dashes)');
  if (seen.has(o.name)) throw new PolicyError(`${field}.name`, `"${o.name}" names two pools`);
  seen.add(o.name);
  if (o.nodeSelector === undefined) throw new PolicyError(`${field}.nodeSelector`, 'is required (an empty one selects every node)');
  const cap = topology(o.topology, `${field}.topology`);
  const own = parseWindows(o.windows, `${field}.windows`);
  if (own.length > 0) windows.set(o.name, own);
  return {
    name: o.name,
    selector: parseSelector(o.nodeSelector, `${field}.nodeSelector`),
    maxUnavailable: parseAmount(o.maxUnavailable, `${field}.maxUnavailable`),
    ...(cap ? { topology: cap } : {}),
    paused: o.paused === true,
  };
}

function pause(v: unknown, field: string): Pause | undefined {
  if (v === undefined || v === null) return undefined;
  const o = object(v, field);
  if (typeof o.reason !== 'string' || o.reason.trim() === '') throw new PolicyError(`${field}.reason`, 'is required: say why claims are paused');
  for (const key of ['by', 'since'] as const) if (o[key] !== undefined && typeof o[key] !== 'string') throw new PolicyError(`${field}.${key}`, 'must be a string');
  if (typeof o.since === 'string' && o.since !== '' && !Number.isFinite(Date.parse(o.since))) throw new PolicyError(`${field}.since`, 'must be an RFC 3339 time');
  return { reason: o.reason, by: typeof o.by === 'string' ? o.by : '', since: typeof o.since === 'string' ? o.since : '' };
}

function drainOutsideWindow(v: unknown): 'stop' | 'finish' {
  if (v === undefined || v === null || v === 'Stop') return 'stop';
  if (v === 'Finish') return 'finish';
  throw new PolicyError('spec.drainOutsideWindow', `must be Stop or Finish, got ${JSON.stringify(v)}`);
}

/** The spec of a RebootPolicy as the server applies it; throws `PolicyError` naming the first bad field. */
export function parsePolicySpec(spec: unknown, defaults: PolicyDefaults): Policy {
  const o = object(spec, 'spec');
  const pools = o.pools ?? [];
  if (!Array.isArray(pools)) throw new PolicyError('spec.pools', 'must be a list');
  if (o.countUnavailable !== undefined && typeof o.countUnavailable !== 'boolean') throw new PolicyError('spec.countUnavailable', 'must be true or false');
  const seen = new Set<string>();
  const poolWindows = new Map<string, readonly Window[]>();
  const cap = topology(o.topology, 'spec.topology');
  const blockers = object(o.blockers, 'spec.blockers');
  return {
    fromObject: true,
    budget: {
      maxUnavailable: o.maxUnavailable === undefined ? { count: defaults.maxUnavailable } : parseAmount(o.maxUnavailable, 'spec.maxUnavailable'),
      ...(cap ? { topology: cap } : {}),
      pools: pools.map((p, i) => pool(p, `spec.pools[${i}]`, seen, poolWindows)),
      countUnavailable: o.countUnavailable !== false,
    },
    windows: parseWindows(o.windows, 'spec.windows'),
    poolWindows,
    drainOutsideWindow: drainOutsideWindow(o.drainOutsideWindow),
    pause: pause(o.pause, 'spec.pause'),
    podBlockers: parsePodBlockers(blockers.pods, 'spec.blockers.pods'),
    alertBlockers: parseAlertBlockers(blockers.alerts, 'spec.blockers.alerts'),
    healthGate: parseHealthGate(o.healthGate, 'spec.healthGate', defaults.healthGate),
  };
}

/** The policy when there is no RebootPolicy object: the flags, exactly as before policies existed. */
export function flagsPolicy(defaults: PolicyDefaults): Policy {
  const policy = parsePolicySpec(undefined, defaults);
  return { ...policy, fromObject: false, budget: { ...policy.budget, countUnavailable: defaults.countUnavailable } };
}
