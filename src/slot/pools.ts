// Budget arithmetic for pools, percentages and topology: how many nodes of a scope may be out at once,
// and which scopes a claim from a node would overflow. Pure: the caller gives the nodes as data.
import { selectorMatches, type LabelSelector, type Labels } from './label-selector.js';

/** A budget as a count of nodes or a percentage of the nodes a scope matches. */
export type Amount = { readonly count: number } | { readonly percent: number };

/** A pool: the nodes a selector matches, with a budget of its own and, optionally, a cap per topology value. */
export interface Pool {
  readonly name: string;
  readonly selector: LabelSelector;
  readonly maxUnavailable: Amount;
  /** At most `max` of the pool's nodes out at once per value of the node label `key` (e.g. per zone). */
  readonly topology?: TopologyCap;
  /** A paused pool allows no new claim: its budget is 0. */
  readonly paused?: boolean;
}

export interface TopologyCap {
  readonly key: string;
  readonly max: number;
}

export interface ScopePolicy {
  /** The cluster cap, a count or a percentage of every node. */
  readonly maxUnavailable: Amount;
  /** Cluster-wide cap per topology value. */
  readonly topology?: TopologyCap;
  readonly pools: readonly Pool[];
  /** Nodes already unavailable (NotReady, or cordoned by someone else) count against the budgets they fall in (default). */
  readonly countUnavailable: boolean;
}

/** What the arithmetic needs to know of a node. */
export interface NodeFacts {
  readonly name: string;
  readonly labels: Labels;
  /** Holds (or is claiming) a reboot slot. */
  readonly holding: boolean;
  /** NotReady, or cordoned by someone other than reboot-manager, while holding no slot. */
  readonly unavailable: boolean;
}

/**
 * The nodes a budget of `amount` allows out of `matched`: a count as written (one above the scope's size
 * simply never binds), a percentage rounded down but at least 1, so a small pool still moves.
 */
export function resolveAmount(amount: Amount, matched: number): number {
  if ('count' in amount) return amount.count;
  if (matched === 0) return 0;
  return Math.max(1, Math.floor((matched * amount.percent) / 100));
}

/** One scope a claim would overflow, named the way a refusal says it. */
export interface Overflow {
  readonly scope: string;
  readonly kind: 'cluster' | 'pool' | 'topology';
  readonly paused: boolean;
  readonly allowed: number;
  /** The nodes that use the scope's budget now: holders and, when they count, unavailable nodes. */
  readonly using: readonly string[];
  /** Those of `using` that are unavailable rather than rebooting. */
  readonly unavailable: readonly string[];
}

/** A budget scope a node falls in: the cluster, a pool, or one value of a topology label in either. */
export interface ScopeRef {
  /** Stable key: `cluster`, `cluster/zone=a`, `pool/gpu`, `pool/gpu/zone=a`. */
  readonly id: string;
  /** As refusals and the status page name it: `pool gpu topology.kubernetes.io/zone=a`. */
  readonly label: string;
  readonly kind: 'cluster' | 'pool' | 'topology';
  readonly pool?: string;
  /** For a topology scope: the label and this scope's value of it ('' for nodes without the label). */
  readonly topology?: { readonly key: string; readonly value: string };
  readonly amount: Amount;
  /** A paused pool takes no new claim; its holders finish. */
  readonly paused: boolean;
}

function topologyScope(parent: { id: string; label: string; pool?: string }, cap: TopologyCap, labels: Labels): ScopeRef {
  const value = labels[cap.key] ?? '';
  const shown = `${cap.key}=${value || '(unset)'}`;
  return { id: `${parent.id}/${cap.key}=${value}`, label: `${parent.label} ${shown}`, kind: 'topology', ...(parent.pool ? { pool: parent.pool } : {}), topology: { key: cap.key, value }, amount: { count: cap.max }, paused: false };
}

/** Every scope a node with `labels` falls in: the cluster, each pool it matches, and their topology values. */
export function scopesFor(policy: ScopePolicy, labels: Labels): ScopeRef[] {
  const cluster = { id: 'cluster', label: 'cluster' };
  const scopes: ScopeRef[] = [{ ...cluster, kind: 'cluster', amount: policy.maxUnavailable, paused: false }];
  if (policy.topology) scopes.push(topologyScope(cluster, policy.topology, labels));
  for (const pool of policy.pools) {
    if (!selectorMatches(pool.selector, labels)) continue;
    const ref = { id: `pool/${pool.name}`, label: `pool ${pool.name}`, pool: pool.name };
    scopes.push({ ...ref, kind: 'pool', amount: pool.maxUnavailable, paused: pool.paused === true });
    if (pool.topology) scopes.push(topologyScope(ref, pool.topology, labels));
  }
  return scopes;
}
