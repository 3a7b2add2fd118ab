// Maintenance windows as a claim rule: a node waits while the cluster's windows, or those of a pool it is in, are closed.
import type { Policy } from './policy.js';
import type { Asking, ClaimRule, Reason } from './reasons.js';
import { ScopeWindows, type ScopeState } from './window-scope.js';

/** One scope's windows for the status page, plain data: its state now (see `ScopeState`, with the refusal's reason while closed) and its windows. */
export interface WindowScopeView extends ScopeState {
  /** "cluster" or "pool NAME". */
  readonly scope: string;
  /** The pool's name; unset for the cluster. */
  readonly pool?: string;
  /** Each window as text ("Mon–Fri 22:00–04:00 Europe/Berlin"); empty: no windows, always open. */
  readonly windows: readonly string[];
}

const NONE: readonly Reason[] = Object.freeze([]);

export class WindowRule implements ClaimRule {
  private readonly cluster: ScopeWindows;
  private readonly pools = new Map<string, ScopeWindows>();

  constructor(policy: Pick<Policy, 'windows' | 'poolWindows'>) {
    this.cluster = new ScopeWindows('cluster', policy.windows);
    for (const [name, windows] of policy.poolWindows) if (windows.length > 0) this.pools.set(name, new ScopeWindows(`pool ${name}`, windows));
  }

  /** One reason per scope of the node whose windows are closed now: the cluster's, then its pools' in order. Urgent: none. */
  reasons(asking: Asking): readonly Reason[] {
    if (asking.urgent) return NONE;
    let out: Reason[] | undefined;
    for (const scope of this.scopesOf(asking.pools)) {
      const reason = scope.at(asking.now).reason;
      if (reason) (out ??= []).push(reason);
    }
    return out ?? NONE;
  }

  /**
   * The earliest instant one of the node's scopes closes (a scope closed already: now); undefined when none of them
   * closes within 8 days, or for an urgent node, which windows do not hold back.
   */
  closingAt(asking: Asking): number | undefined {
    if (asking.urgent) return undefined;
    let earliest: number | undefined;
    for (const scope of this.scopesOf(asking.pools)) {
      const state = scope.at(asking.now);
      const closes = state.open ? state.closesAt : asking.now;
      if (closes !== undefined && (earliest === undefined || closes < earliest)) earliest = closes;
    }
    return earliest;
  }

  /** The cluster, then each pool with windows: open now or not, until when, and the windows as text. */
  view(now: number): WindowScopeView[] {
    return [[undefined, this.cluster] as const, ...this.pools].map(([pool, scope]) => {
      const { open, closesAt, opensAt, next, reason } = scope.at(now);
      return { scope: scope.scope, ...(pool !== undefined ? { pool } : {}), open, ...(closesAt !== undefined ? { closesAt } : {}), ...(opensAt !== undefined ? { opensAt } : {}), next, ...(reason ? { reason } : {}), windows: scope.described };
    });
  }

  /** The scopes with windows a node in `pools` must be inside. */
  private scopesOf(pools: readonly string[]): ScopeWindows[] {
    const scopes = this.cluster.hasWindows ? [this.cluster] : [];
    for (const name of pools) {
      const scope = this.pools.get(name);
      if (scope) scopes.push(scope);
    }
    return scopes;
  }
}
