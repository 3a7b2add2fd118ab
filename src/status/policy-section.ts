// The rollout policy in the status snapshot: what is in force, the budgets of the cluster, its pools and zones,
// the windows, the pause, the blockers and the health gate. Built from the rules' own views, read from caches only.
import type { BlockerView } from '../blockers/blocker-view.js';
import type { HealthGateView } from '../health/health-gate.js';
import type { PolicyStatus } from '../policy/policy-source.js';
import type { Policy } from '../policy/policy.js';
import type { Reason } from '../policy/reasons.js';
import type { WindowScopeView } from '../policy/window-rule.js';
import { selectorString } from '../slot/label-selector.js';
import { resolveAmount, type Amount, type TopologyCap } from '../slot/pools.js';
import type { ScopeView } from '../slot/scope-index.js';
import { holdingReasons } from './policy-holding.js';

/** What the section reads; the server's PolicySource, ScopeIndex, WindowRule, Blockers and HealthGate have it. */
export interface PolicyViews {
  readonly policy: { status(): PolicyStatus; current(): Pick<Policy, 'budget' | 'pause' | 'drainOutsideWindow'> };
  readonly scopes: { view(): readonly ScopeView[] };
  readonly windows: { view(now: number): readonly WindowScopeView[] };
  readonly blockers: { view(): readonly BlockerView[] };
  readonly healthGate: { view(now: number): HealthGateView };
}

/** How many node names a scope lists; the counts say how many there are in all. */
export const LISTED_NAMES = 20;

/** Field names are part of the status API (documented in the README): add fields, never rename. */
export interface PolicySection {
  /** `object`: the RebootPolicy named default is in force; `flags`: there is none (or no CRD), the flags are the policy. */
  readonly source: 'object' | 'flags';
  /** The generation in force (source `object`), else null. */
  readonly generation: number | null;
  /** The API has no RebootPolicy resource: the CRD is not installed. */
  readonly crdMissing: boolean;
  /**
   * The last edit, when the server could not use it: `generation` (the last accepted one, even after a restart) or the flags
   * stay in force; `pauseApplies`: the edit's own spec.pause is in force all the same (a pause always applies).
   */
  readonly rejection: { readonly generation: number; readonly field: string; readonly reason: string; readonly at: string; readonly pauseApplies: boolean } | null;
  /** Nodes already unavailable count against the budgets they fall in. */
  readonly countUnavailable: boolean;
  readonly drainOutsideWindow: 'stop' | 'finish';
  /** `since` is null when the pause does not say. */
  readonly pause: { readonly reason: string; readonly by: string; readonly since: string | null } | null;
  /** What holds back new claims now, everywhere or in some scope, beyond the budgets: as refusals name it. */
  readonly holding: readonly HoldingStatus[];
  readonly cluster: ScopeSlots;
  readonly pools: readonly PoolSlots[];
  /** The cluster's windows, then each pool's that has some. */
  readonly windows: readonly WindowStatus[];
  readonly blockers: readonly BlockerStatus[];
  readonly healthGate: HealthGateView;
}

export interface HoldingStatus {
  readonly rule: Reason['rule'];
  readonly message: string;
  /** When it is expected to end by itself (a window's next opening, the health gate's timeout), else null. */
  readonly until: string | null;
}

export interface Slots {
  /** Nodes in the scope. */
  readonly members: number;
  /** Nodes out at once the budget allows (a paused pool still shows its budget). */
  readonly allowed: number;
  /** Holders plus, when they count, unavailable nodes. */
  readonly used: number;
  /** Nodes holding a slot, by name, the first `LISTED_NAMES`. */
  readonly holders: readonly string[];
  readonly holderCount: number;
  /** Unavailable nodes counted against the budget, by name, the first `LISTED_NAMES`. */
  readonly unavailable: readonly string[];
  readonly unavailableCount: number;
}

export interface ScopeSlots extends Slots {
  /** As written in the policy: a count (2) or a percentage ("25%"). */
  readonly maxUnavailable: number | string;
  readonly topology: TopologySlots | null;
}

export interface PoolSlots extends ScopeSlots {
  readonly name: string;
  /** The pool's node selector in kubectl's syntax; '' selects every node. */
  readonly nodeSelector: string;
  readonly paused: boolean;
}

export interface TopologySlots {
  /** The node label, e.g. `topology.kubernetes.io/zone`. */
  readonly key: string;
  readonly maxUnavailable: number;
  /** Every value some node of the scope has, by value; '' for nodes without the label. */
  readonly values: readonly (Slots & { readonly value: string })[];
}

export interface WindowStatus {
  /** "cluster" or "pool NAME". */
  readonly scope: string;
  readonly pool: string | null;
  readonly open: boolean;
  /** When open: when it closes; null when not within 8 days (or never). */
  readonly closesAt: string | null;
  /** When closed: the next opening; null when none within 8 days. */
  readonly opensAt: string | null;
  /** That instant on the clock of its window's time zone, with UTC: "Sat 22:00 CET (2026-12-05T21:00:00Z)"; '' when none. */
  readonly next: string;
  /** Each window as text: "Mon–Fri 22:00–04:00 Europe/Berlin"; empty: no windows, always open. */
  readonly windows: readonly string[];
}

export type BlockerStatus =
  | (Omit<Extract<BlockerView, { kind: 'pods' }>, 'namespace' | 'error' | 'errorAt' | 'message'> & {
      readonly namespace: string | null;
      readonly message: string;
      readonly error: string;
      readonly errorAt: string | null;
    })
  | (Omit<Extract<BlockerView, { kind: 'alerts' }>, 'checkedAt' | 'error' | 'message'> & { readonly message: string; readonly error: string; readonly checkedAt: string | null });

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export const amountText = (a: Amount): number | string => ('count' in a ? a.count : `${a.percent}%`);

/** A scope's slots; `allowed` when no node falls in it (a pool that matches none). */
function slots(view: ScopeView | undefined, allowed: number): Slots {
  const holders = view?.holders ?? [];
  const unavailable = view?.unavailable ?? [];
  return {
    members: view?.members ?? 0,
    allowed: view?.allowed ?? allowed,
    used: holders.length + unavailable.length,
    holders: holders.slice(0, LISTED_NAMES),
    holderCount: holders.length,
    unavailable: unavailable.slice(0, LISTED_NAMES),
    unavailableCount: unavailable.length,
  };
}

/** The topology values of the cluster (`pool` undefined) or of a pool. */
function topology(cap: TopologyCap | undefined, pool: string | undefined, views: readonly ScopeView[]): TopologySlots | null {
  if (!cap) return null;
  const values = views
    .filter((v) => v.kind === 'topology' && v.pool === pool)
    .map((v) => ({ value: v.topology?.value ?? '', ...slots(v, cap.max) }))
    .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return { key: cap.key, maxUnavailable: cap.max, values };
}

function blocker(v: BlockerView): BlockerStatus {
  if (v.kind === 'pods') {
    const { namespace, error, errorAt, message, ...rest } = v;
    return { ...rest, namespace: namespace ?? null, message: message ?? '', error: error ?? '', errorAt: iso(errorAt) };
  }
  const { checkedAt, error, message, ...rest } = v;
  return { ...rest, message: message ?? '', error: error ?? '', checkedAt: iso(checkedAt) };
}

function window(v: WindowScopeView): WindowStatus {
  return { scope: v.scope, pool: v.pool ?? null, open: v.open, closesAt: iso(v.closesAt), opensAt: iso(v.opensAt), next: v.next, windows: v.windows };
}

/** The policy section of the snapshot at `now`. */
export function policySection(views: PolicyViews, now: number): PolicySection {
  const status = views.policy.status();
  const policy = views.policy.current();
  const { budget, pause } = policy;
  const scopes = views.scopes.view();
  const cluster = { maxUnavailable: amountText(budget.maxUnavailable), ...slots(scopes.find((s) => s.kind === 'cluster'), resolveAmount(budget.maxUnavailable, 0)), topology: topology(budget.topology, undefined, scopes) };
  const pools = budget.pools.map((p) => ({
    name: p.name,
    nodeSelector: selectorString(p.selector),
    paused: p.paused === true,
    maxUnavailable: amountText(p.maxUnavailable),
    ...slots(scopes.find((s) => s.kind === 'pool' && s.pool === p.name), resolveAmount(p.maxUnavailable, 0)),
    topology: topology(p.topology, p.name, scopes),
  }));
  const windows = views.windows.view(now);
  const blockers = views.blockers.view();
  const healthGate = views.healthGate.view(now);
  const rejection = status.rejection;
  return {
    source: status.source,
    generation: status.generation ?? null,
    crdMissing: status.crdMissing,
    rejection: rejection ? { generation: rejection.generation, field: rejection.field, reason: rejection.reason, at: new Date(rejection.at).toISOString(), pauseApplies: rejection.pauseApplies } : null,
    countUnavailable: budget.countUnavailable,
    drainOutsideWindow: policy.drainOutsideWindow,
    pause: pause ? { reason: pause.reason, by: pause.by, since: pause.since === '' ? null : pause.since } : null,
    holding: holdingReasons({ pause, pausedPools: pools.filter((p) => p.paused).map((p) => p.name), windows, blockers, healthGate }).map((r) => ({ rule: r.rule, message: r.message, until: iso(r.until) })),
    cluster,
    pools,
    // The cluster always, a pool only when it has windows of its own.
    windows: windows.map(window),
    blockers: blockers.map(blocker),
    healthGate,
  };
}
