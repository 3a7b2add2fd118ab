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
  readonly allowed: number;
  /** The nodes that use the scope's budget now: holders, then unavailable nodes when they count. */
  readonly using: readonly string[];
}

interface Scope {
  readonly scope: string;
  readonly members: readonly NodeFacts[];
  readonly allowed: number;
}

function using(members: readonly NodeFacts[], countUnavailable: boolean, except: string): string[] {
  return members.filter((n) => n.name !== except && (n.holding || (countUnavailable && n.unavailable))).map((n) => n.name).sort();
}

/** Splits `members` by the value of `cap.key`; nodes without the label are a value of their own ("" ). */
function byTopology(label: string, members: readonly NodeFacts[], cap: TopologyCap, of: NodeFacts): Scope {
  const value = of.labels[cap.key] ?? '';
  return { scope: `${label} ${cap.key}=${value || '(unset)'}`, members: members.filter((n) => (n.labels[cap.key] ?? '') === value), allowed: cap.max };
}

/** Every scope `node` falls in: the cluster, each pool it matches, and their topology values. */
function scopesOf(policy: ScopePolicy, nodes: readonly NodeFacts[], node: NodeFacts): Scope[] {
  const scopes: Scope[] = [{ scope: 'cluster', members: nodes, allowed: resolveAmount(policy.maxUnavailable, nodes.length) }];
  if (policy.topology) scopes.push(byTopology('cluster', nodes, policy.topology, node));
  for (const pool of policy.pools) {
    if (!selectorMatches(pool.selector, node.labels)) continue;
    const members = nodes.filter((n) => selectorMatches(pool.selector, n.labels));
    scopes.push({ scope: `pool ${pool.name}`, members, allowed: pool.paused ? 0 : resolveAmount(pool.maxUnavailable, members.length) });
    if (pool.topology) scopes.push(byTopology(`pool ${pool.name}`, members, pool.topology, node));
  }
  return scopes;
}

/**
 * Every scope a new claim from `node` would overflow (empty: it fits them all). A node in several pools
 * must fit every one. The node itself is not counted against its own claim, even when it is unavailable.
 */
export function overflows(policy: ScopePolicy, nodes: readonly NodeFacts[], node: NodeFacts): Overflow[] {
  const out: Overflow[] = [];
  for (const s of scopesOf(policy, nodes, node)) {
    const busy = using(s.members, policy.countUnavailable, node.name);
    if (busy.length >= s.allowed) out.push({ scope: s.scope, allowed: s.allowed, using: busy });
  }
  return out;
}
