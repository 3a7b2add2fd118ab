// The RebootPolicy object's spec, validated into the policy in force. Every error names its field.
import type { Amount, Pool, TopologyCap } from '../slot/pools.js';
import { parseAlertBlockers, parsePodBlockers } from './blockers.js';
import { parseHealthGate } from './health-gate.js';
import { NAME, PolicyError, object } from './parse-error.js';
import { parseLabelKey, parseSelector } from './parse-selector.js';
import { PAUSE_BY_MAX_LENGTH, PAUSE_REASON_MAX_LENGTH, characters, type Pause, type Policy, type PolicyDefaults } from './policy.js';
import { parseWindows, type Window } from './windows.js';

export { PolicyError } from './parse-error.js';
export { parseSelector } from './parse-selector.js';

/** `2` or `"25%"`: a whole number of nodes (at least 1), or a percentage from 1 to 100. */
export function parseAmount(v: unknown, field: string): Amount {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1) return { count: v };
  const m = typeof v === 'string' ? /^(\d{1,3})%$/.exec(v) : null;
  const percent = m ? Number(m[1]) : NaN;
  if (percent >= 1 && percent <= 100) return { percent };
  throw new PolicyError(field, `must be a whole number of nodes (at least 1) or a percentage like "25%" (1% to 100%), got ${JSON.stringify(v)}`);
}

function topology(v: unknown, field: string): TopologyCap | undefined {
  if (v === undefined || v === null) return undefined;
  const o = object(v, field);
  const max = o.maxUnavailable;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) throw new PolicyError(`${field}.maxUnavailable`, 'must be a whole number of nodes, at least 1');
  return { key: parseLabelKey(o.key, `${field}.key`), max };
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

/** `spec.pause`: also read alone from a rejected spec, since a pause always applies. */
export function parsePause(v: unknown, field: string): Pause | undefined {
  if (v === undefined || v === null) return undefined;
  const o = object(v, field);
  if (typeof o.reason !== 'string' || o.reason.trim() === '') throw new PolicyError(`${field}.reason`, 'is required: say why claims are paused');
  for (const key of ['by', 'since'] as const) if (o[key] !== undefined && typeof o[key] !== 'string') throw new PolicyError(`${field}.${key}`, 'must be a string');
  for (const [key, max] of [['reason', PAUSE_REASON_MAX_LENGTH], ['by', PAUSE_BY_MAX_LENGTH]] as const) {
    const text = o[key];
    if (typeof text === 'string' && characters(text) > max) throw new PolicyError(`${field}.${key}`, `must be at most ${max} characters`);
  }
  if (typeof o.since === 'string' && o.since !== '' && !Number.isFinite(Date.parse(o.since))) throw new PolicyError(`${field}.since`, 'must be an RFC 3339 time');
  return { reason: o.reason, by: typeof o.by === 'string' ? o.by : '', since: typeof o.since === 'string' ? o.since : '' };
}

function drainOutsideWindow(v: unknown): 'stop' | 'finish' {
  if (v === undefined || v === null || v === 'Stop') return 'stop';
  if (v === 'Finish') return 'finish';
  throw new PolicyError('spec.drainOutsideWindow', `must be Stop or Finish, got ${JSON.stringify(v)}`);
}

/** Fields that make the object's budgets replace the flags. Not countUnavailable: the CRD defaults it on every object. */
const BUDGET_FIELDS = ['maxUnavailable', 'topology', 'pools'] as const;

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
  // An object holding only a pause (what `reboot-manager pause` creates), windows, blockers or a health gate keeps the flag budgets.
  const budgetsFromObject = BUDGET_FIELDS.some((f) => o[f] !== undefined && o[f] !== null);
  return {
    budgetsFromObject,
    budget: {
      maxUnavailable: o.maxUnavailable === undefined ? { count: defaults.maxUnavailable } : parseAmount(o.maxUnavailable, 'spec.maxUnavailable'),
      ...(cap ? { topology: cap } : {}),
      pools: pools.map((p, i) => pool(p, `spec.pools[${i}]`, seen, poolWindows)),
      countUnavailable: budgetsFromObject ? o.countUnavailable !== false : defaults.countUnavailable,
    },
    windows: parseWindows(o.windows, 'spec.windows'),
    poolWindows,
    drainOutsideWindow: drainOutsideWindow(o.drainOutsideWindow),
    pause: parsePause(o.pause, 'spec.pause'),
    podBlockers: parsePodBlockers(blockers.pods, 'spec.blockers.pods'),
    alertBlockers: parseAlertBlockers(blockers.alerts, 'spec.blockers.alerts'),
    healthGate: parseHealthGate(o.healthGate, 'spec.healthGate', defaults.healthGate),
  };
}

/** The policy when there is no RebootPolicy object: the flags, exactly as before policies existed. */
export function flagsPolicy(defaults: PolicyDefaults): Policy {
  return parsePolicySpec(undefined, defaults);
}
