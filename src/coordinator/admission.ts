// Whether a new claim may be taken now, and every reason it may not: budgets, pools, zones, then the policy's rules.
import type { Clock } from '../clock/clock.js';
import type { NodeView } from '../kube/node-view.js';
import { Refusal } from '../fleetlock/refusal.js';
import { describeReasons, type Asking, type ClaimRule, type Reason } from '../policy/reasons.js';
import { isUrgent, keepers, whyFull, type SlotBudget } from '../slot/budget.js';
import type { SlotIndex } from '../slot/holders.js';
import type { Overflow } from '../slot/pools.js';
import type { ScopeIndex } from '../slot/scope-index.js';

export interface AdmissionDeps {
  readonly slots: SlotIndex;
  readonly scopes: ScopeIndex;
  /** Group slots and urgent groups (flags); the cluster cap comes from the policy's cluster scope. */
  readonly budget: SlotBudget;
  readonly clock: Clock;
  /** After a release, no new claim until this long has passed; 0: off. */
  readonly settleMs: number;
  /** A RebootPolicy object sets budgets: they replace --slots-per-group (named --group-slots still apply). */
  readonly budgetsFromObject: () => boolean;
  /** The policy's rules in force: pause, windows, blockers, health gate. */
  readonly rules: () => readonly ClaimRule[];
  /** The policy and every cache its rules read have listed: until then no claim is decided. */
  readonly synced: () => boolean;
}

const BUDGET_ONLY: ReadonlySet<Reason['rule']> = new Set(['budget', 'settle']);

/** True when only the flag budget and the settle time hold the claim back: answered `slots_full`, as before policies. */
export function budgetOnly(reasons: readonly Reason[]): boolean {
  return reasons.every((r) => BUDGET_ONLY.has(r.rule));
}

export class Admission {
  constructor(private readonly deps: AdmissionDeps) {}

  synced(): boolean {
    return this.deps.synced();
  }

  /** The budget with the cluster cap the policy resolves to now (a percentage follows the node count). */
  budget(): SlotBudget {
    const maxTotal = this.deps.scopes.allowed(this.deps.scopes.cluster(), false);
    const defaultPerGroup = this.deps.budgetsFromObject() ? Number.POSITIVE_INFINITY : this.deps.budget.defaultPerGroup;
    return { ...this.deps.budget, maxTotal, defaultPerGroup };
  }

  asking(node: NodeView, group: string): Asking {
    return { node, group, now: this.deps.clock.now(), pools: this.deps.scopes.poolsOf(node.name), urgent: isUrgent(this.deps.budget, group) };
  }

  /** Every reason a new claim from `node` in `group` must wait now; empty: it may claim. Reads caches only. */
  reasons(node: NodeView, group: string): Reason[] {
    const asking = this.asking(node, group);
    if (asking.urgent) return [];
    const budget = this.budget();
    const claims = this.deps.slots.claims().filter((c) => c.name !== node.name);
    const out: Reason[] = [];
    const full = whyFull(claims, group, budget);
    if (full) out.push({ rule: 'budget', message: full });
    const holdersFillCluster = claims.length >= budget.maxTotal;
    for (const o of this.deps.scopes.overflows(node.name)) {
      const reason = this.overflowReason(o, holdersFillCluster);
      if (reason) out.push(reason);
    }
    const settle = this.unsettled();
    if (settle) out.push(settle);
    for (const rule of this.deps.rules()) out.push(...rule.reasons(asking));
    return out;
  }

  /** The claims that keep their slots should more hold than allowed: groups, the cluster cap, and every pool and zone. */
  keepers(): Set<string> {
    const scopes = this.deps.scopes;
    return keepers(this.deps.slots.claims(), this.budget(), (name, kept) =>
      scopes.scopesOf(name).every((ref) => {
        if (ref.kind === 'cluster') return true;
        let inScope = 0;
        for (const k of kept) if (scopes.scopesOf(k).some((r) => r.id === ref.id)) inScope++;
        // Paused pools let their holders finish: the tie-break checks the budget, not the pause.
        return inScope < scopes.allowed(ref, false);
      }),
    );
  }

  private overflowReason(o: Overflow, holdersFillCluster: boolean): Reason | undefined {
    const shown = names(o.using, o.unavailable);
    if (o.kind === 'cluster') {
      // The holders alone fill it: `whyFull` said so already, in the words users know.
      if (holdersFillCluster) return undefined;
      return { rule: 'budget', message: `the cluster-wide limit of ${o.allowed} node(s) out at once is reached (${shown})` };
    }
    if (o.paused) return { rule: 'pause', message: `${o.scope} is paused` };
    return { rule: o.kind === 'pool' ? 'pool' : 'topology', message: `${o.scope} allows ${o.allowed} node(s) out at once (${shown})` };
  }

  private unsettled(): Reason | undefined {
    const settleMs = this.deps.settleMs;
    const last = this.deps.slots.lastRelease();
    if (settleMs <= 0 || !last) return undefined;
    const waitMs = last.at + settleMs - this.deps.clock.now();
    if (waitMs <= 0) return undefined;
    return {
      rule: 'settle',
      message: `settling: node ${last.name} was released ${Math.round((settleMs - waitMs) / 1000)} s ago; the next node may start in ${Math.ceil(waitMs / 1000)} s (--settle-time)`,
      until: last.at + settleMs,
    };
  }
}

/** "out: a, b; unavailable: c" with at most five names per list. */
function names(using: readonly string[], unavailable: readonly string[]): string {
  const out = using.filter((n) => !unavailable.includes(n));
  const list = (xs: readonly string[]) => (xs.length > 5 ? `${xs.slice(0, 5).join(', ')} and ${xs.length - 5} more` : xs.join(', '));
  const parts = [];
  if (out.length > 0) parts.push(`rebooting: ${list(out)}`);
  if (unavailable.length > 0) parts.push(`already unavailable: ${list(unavailable)}`);
  return parts.join('; ') || 'nobody: the scope allows none';
}

/** `slots_full` (the words users know) when only budgets and the settle time hold the claim back; otherwise `blocked`, naming every reason. */
export function refusalFor(reasons: readonly Reason[]): Refusal {
  if (budgetOnly(reasons)) return new Refusal('slots_full', reasons.map((r) => r.message).join('; '));
  return new Refusal('blocked', describeReasons(reasons));
}
