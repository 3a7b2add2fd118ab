// Budget scopes kept up to date node by node, so a claim is checked against every scope it falls in without scanning the cluster.
import { resolveAmount, scopesFor, type NodeFacts, type Overflow, type ScopePolicy, type ScopeRef } from './pools.js';
import { naturally } from './natural-order.js';

interface ScopeState {
  readonly ref: ScopeRef;
  readonly members: Set<string>;
  readonly holding: Set<string>;
  readonly unavailable: Set<string>;
}

/** A scope as the status page and the metrics show it. */
export interface ScopeView {
  readonly id: string;
  readonly label: string;
  readonly kind: ScopeRef['kind'];
  readonly pool?: string;
  readonly topology?: ScopeRef['topology'];
  readonly paused: boolean;
  readonly members: number;
  /** Nodes out at once the scope allows (a paused pool still shows its budget). */
  readonly allowed: number;
  readonly holders: readonly string[];
  /** Unavailable nodes that count against the budget (none when the policy does not count them). */
  readonly unavailable: readonly string[];
}

/** The scopes a node falls in and the names of its pools, computed when its labels or the policy change: never per request. */
interface Membership {
  readonly scopes: readonly ScopeRef[];
  readonly pools: readonly string[];
}

interface Entry extends Membership {
  readonly facts: NodeFacts;
}

function membership(policy: ScopePolicy, labels: NodeFacts['labels']): Membership {
  const scopes = scopesFor(policy, labels);
  return { scopes, pools: scopes.flatMap((s) => (s.kind === 'pool' && s.pool ? [s.pool] : [])) };
}

function clusterOf(m: Membership): ScopeRef {
  const cluster = m.scopes.find((s) => s.kind === 'cluster');
  if (!cluster) throw new Error('unreachable: scopesFor always returns the cluster scope');
  return cluster;
}

export class ScopeIndex {
  private readonly nodes = new Map<string, Entry>();
  private readonly scopes = new Map<string, ScopeState>();
  /** A node the index does not know (no labels): the cluster and the pools that select every node. */
  private unindexed: Membership;
  private clusterRef: ScopeRef;

  constructor(private policy: ScopePolicy) {
    this.unindexed = membership(policy, {});
    this.clusterRef = clusterOf(this.unindexed);
  }

  /** A new policy: every node's scopes are recomputed (labels may now select other pools). */
  setPolicy(policy: ScopePolicy): void {
    this.policy = policy;
    this.unindexed = membership(policy, {});
    this.clusterRef = clusterOf(this.unindexed);
    const all = [...this.nodes.values()].map((e) => e.facts);
    this.nodes.clear();
    this.scopes.clear();
    for (const facts of all) this.upsert(facts);
  }

  upsert(facts: NodeFacts): void {
    const old = this.nodes.get(facts.name);
    const member = old && sameLabels(old.facts.labels, facts.labels) ? old : membership(this.policy, facts.labels);
    if (old) this.leave(old);
    const entry: Entry = { facts, scopes: member.scopes, pools: member.pools };
    this.nodes.set(facts.name, entry);
    for (const ref of entry.scopes) {
      const state = this.scopes.get(ref.id) ?? this.create(ref);
      state.members.add(facts.name);
      if (facts.holding) state.holding.add(facts.name);
      else if (facts.unavailable) state.unavailable.add(facts.name);
    }
  }

  remove(name: string): void {
    const old = this.nodes.get(name);
    if (!old) return;
    this.leave(old);
    this.nodes.delete(name);
  }

  /** The scopes `name` falls in (those of a node without labels for a node not indexed). */
  scopesOf(name: string): readonly ScopeRef[] {
    return (this.nodes.get(name) ?? this.unindexed).scopes;
  }

  /** Names of the pools `name` is in. */
  poolsOf(name: string): readonly string[] {
    return (this.nodes.get(name) ?? this.unindexed).pools;
  }

  /** The cluster-wide scope of the policy in force. */
  cluster(): ScopeRef {
    return this.clusterRef;
  }

  /** Nodes the scope lets out at once: its amount resolved against its members; 0 for a paused pool when `forNewClaims`. */
  allowed(ref: ScopeRef, forNewClaims = true): number {
    if (forNewClaims && ref.paused) return 0;
    return resolveAmount(ref.amount, this.scopes.get(ref.id)?.members.size ?? 0);
  }

  /** Every scope a new claim from `name` would overflow; the node does not count against its own claim. */
  overflows(name: string): Overflow[] {
    const out: Overflow[] = [];
    for (const ref of this.scopesOf(name)) {
      const state = this.scopes.get(ref.id);
      const allowed = this.allowed(ref);
      const used = this.usedBy(state, name);
      if (used < allowed) continue;
      const unavailable = this.policy.countUnavailable && state ? naturally([...state.unavailable].filter((n) => n !== name)) : [];
      out.push({ scope: ref.label, kind: ref.kind, paused: ref.paused, allowed, using: this.using(state, name), unavailable });
    }
    return out;
  }

  view(): ScopeView[] {
    return [...this.scopes.values()]
      .map((s) => ({
        id: s.ref.id,
        label: s.ref.label,
        kind: s.ref.kind,
        ...(s.ref.pool ? { pool: s.ref.pool } : {}),
        ...(s.ref.topology ? { topology: s.ref.topology } : {}),
        paused: s.ref.paused,
        members: s.members.size,
        allowed: this.allowed(s.ref, false),
        holders: naturally(s.holding),
        unavailable: this.policy.countUnavailable ? naturally(s.unavailable) : [],
      }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private usedBy(state: ScopeState | undefined, except: string): number {
    if (!state) return 0;
    let used = state.holding.size - (state.holding.has(except) ? 1 : 0);
    if (this.policy.countUnavailable) used += state.unavailable.size - (state.unavailable.has(except) ? 1 : 0);
    return used;
  }

  private using(state: ScopeState | undefined, except: string): string[] {
    if (!state) return [];
    const names = [...state.holding, ...(this.policy.countUnavailable ? state.unavailable : [])];
    return naturally(names.filter((n) => n !== except));
  }

  private create(ref: ScopeRef): ScopeState {
    const state = { ref, members: new Set<string>(), holding: new Set<string>(), unavailable: new Set<string>() };
    this.scopes.set(ref.id, state);
    return state;
  }

  private leave(entry: Entry): void {
    for (const ref of entry.scopes) {
      const state = this.scopes.get(ref.id);
      if (!state) continue;
      state.members.delete(entry.facts.name);
      state.holding.delete(entry.facts.name);
      state.unavailable.delete(entry.facts.name);
      if (state.members.size === 0 && ref.kind !== 'cluster') this.scopes.delete(ref.id);
    }
  }
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  if (a === b) return true;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** Every scope a new claim from `node` would overflow, from the nodes given as data (tests, one-off checks). */
export function overflows(policy: ScopePolicy, nodes: readonly NodeFacts[], node: NodeFacts): Overflow[] {
  const index = new ScopeIndex(policy);
  for (const n of nodes) index.upsert(n);
  if (!nodes.some((n) => n.name === node.name)) index.upsert(node);
  return index.overflows(node.name);
}
