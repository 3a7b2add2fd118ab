// What must hold at every step of every history, checked against the store (the API server's truth) and the machines.
import { mustLeave } from '../../drain/classify.js';
import { toNodeView } from '../../kube/node-view.js';
import { toPodView } from '../../kube/pod-view.js';
import { isUrgent, slotsOf, type SlotBudget } from '../../slot/budget.js';
import type { ScopePolicy } from '../../slot/pools.js';
import { ScopeIndex } from '../../slot/scope-index.js';
import { slotOf } from '../../slot/encoding.js';
import type { Slot } from '../../slot/slot.js';
import { budgetHealth } from './pdb-status.js';
import type { World } from './world.js';

export interface Violation {
  readonly at: number;
  readonly rule: 'budget' | 'release' | 'grant' | 'pdb' | 'orphan-cordon' | 'liveness';
  readonly detail: string;
}

export class Invariants {
  readonly violations: Violation[] = [];
  private readonly slots = new Map<string, Slot>();

  constructor(
    private readonly world: World,
    private readonly budget: SlotBudget,
    private readonly now: () => number,
    /** The RebootPolicy's zones and pools, when the history runs under one: each is a budget of its own. */
    private readonly scopes?: ScopePolicy,
  ) {}

  private fail(rule: Violation['rule'], detail: string): void {
    this.violations.push({ at: this.now(), rule, detail });
  }

  /** After every step: the budget, releases, cordons and budgets of the applications. */
  check(): void {
    const nodes = this.world.cluster.store.listNodes().map(toNodeView);
    const holders: { name: string; slot: Slot }[] = [];
    for (const node of nodes) {
      const slot = slotOf(node);
      const before = this.slots.get(node.name);
      if (slot) {
        holders.push({ name: node.name, slot });
        this.slots.set(node.name, slot);
      } else if (before) {
        this.slots.delete(node.name);
        this.released(node.name, before, node.ready, node.bootId);
      }
      if (node.unschedulable && !slot) this.fail('orphan-cordon', `${node.name} is cordoned and holds no slot`);
      if (node.annotations['rebootmanager/cordoned'] === 'true' && !slot) this.fail('orphan-cordon', `${node.name} says we cordoned it and holds no slot`);
    }
    // Every node annotated as holding counts, whatever its phase; urgent holders may exceed the budget.
    const counted = holders.filter((h) => !isUrgent(this.budget, h.slot.group));
    if (counted.length > this.budget.maxTotal) this.fail('budget', `${counted.length} holders (${counted.map((h) => h.name).join(', ')}) over the cap of ${this.budget.maxTotal}`);
    const perGroup = new Map<string, number>();
    for (const h of counted) perGroup.set(h.slot.group, (perGroup.get(h.slot.group) ?? 0) + 1);
    for (const [group, n] of perGroup) if (n > slotsOf(this.budget, group)) this.fail('budget', `${n} holders in group ${group} over its ${slotsOf(this.budget, group)} slot(s)`);
    if (this.scopes) this.checkScopes(new Set(counted.map((h) => h.name)));
    for (const pdb of budgetHealth(this.world.cluster.store)) {
      if (pdb.healthy < pdb.desired) this.fail('pdb', `PodDisruptionBudget ${pdb.name}: ${pdb.healthy} healthy, ${pdb.desired} needed`);
    }
  }

  /** Every zone and pool of the policy: its non-urgent holders within its budget (the cluster's is checked above). */
  private checkScopes(counted: ReadonlySet<string>): void {
    const index = new ScopeIndex(this.scopes as ScopePolicy);
    for (const n of this.world.cluster.store.listNodes()) {
      const name = n.metadata.name ?? '';
      index.upsert({ name, labels: n.metadata.labels ?? {}, holding: counted.has(name), unavailable: false });
    }
    for (const scope of index.view()) {
      if (scope.kind !== 'cluster' && scope.holders.length > scope.allowed) this.fail('budget', `${scope.holders.length} holders (${scope.holders.join(', ')}) in ${scope.label} over its ${scope.allowed}`);
    }
  }

  /** A granted slot ends only once the machine is back and its kubelet has said so. */
  private released(name: string, slot: Slot, ready: boolean, bootId: string): void {
    if (slot.phase !== 'drained') return; // never granted: the node never went down
    const m = this.world.machine(name);
    if (!m.up) this.fail('release', `${name} released while the machine is down`);
    else if (!ready) this.fail('release', `${name} released while NotReady`);
    else if (bootId !== m.bootId) this.fail('release', `${name} released on a status from boot ${bootId}, the machine runs ${m.bootId}`);
  }

  /** When a client is answered 200: the node is cordoned and nothing that must leave is left on it. */
  granted(name: string): void {
    const node = this.world.cluster.store.getNode(name);
    if (!node?.spec.unschedulable) this.fail('grant', `${name} granted while schedulable`);
    const left = this.world.cluster.store.listPods({ nodeName: name }).map(toPodView).filter((p) => mustLeave(p, 'block'));
    if (left.length > 0) this.fail('grant', `${name} granted with ${left.map((p) => `${p.namespace}/${p.name}`).join(', ')} still on it`);
  }

  /** Once faults stop, every node that asked has rebooted and given its slot back, and nothing is left cordoned. */
  finished(askers: readonly { node: string; done: boolean }[]): boolean {
    if (askers.some((a) => !a.done)) return false;
    return this.world.cluster.store.listNodes().every((n) => !slotOf(toNodeView(n)) && !n.spec.unschedulable);
  }

  stuck(askers: readonly { node: string; done: boolean; lastRefusal?: string }[], leader?: string): void {
    const waiting = askers.filter((a) => !a.done).map((a) => `${a.node} [${a.lastRefusal ?? ''}]`);
    const holding = this.world.cluster.store
      .listNodes()
      .map((n) => ({ n, slot: slotOf(toNodeView(n)) }))
      .filter(({ slot }) => slot)
      .map(({ n, slot }) => `${n.metadata.name ?? ''} (${slot?.phase ?? ''}${n.metadata.annotations?.['rebootmanager/drain'] ? `: ${n.metadata.annotations['rebootmanager/drain']}` : ''})`);
    this.fail('liveness', `not served after faults stopped: waiting ${waiting.join(', ') || 'none'}; holding ${holding.join(', ') || 'none'}${leader ? `; ${leader}` : ''}`);
  }
}
