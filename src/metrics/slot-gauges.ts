// Gauges computed at scrape time from the node cache: they cannot drift from what the Nodes say.
import { Gauge, type Registry } from 'prom-client';
import { isUrgent, slotsOf, type SlotBudget } from '../coordinator/budget.js';

/** A holder as the node cache shows it. */
export interface HolderSample {
  readonly node: { readonly name: string };
  readonly hold: { readonly group: string; readonly phase: string; readonly claimedAt: string };
}

/** What the scrape reads; every function is called once per scrape. */
export interface LiveState {
  holders(): readonly HolderSample[];
  readonly budget: SlotBudget;
  isLeader(): boolean;
  drainsInProgress(): number;
  now?(): number;
}

/** Zincati's group when none is configured: always reported, so an idle cluster shows its slots. */
const ZINCATI_DEFAULT_GROUP = 'default';

/** Groups reported: Zincati's default, every --group-slots group, and every group holding a slot. */
function groupsOf(state: LiveState, holders: readonly HolderSample[]): Set<string> {
  return new Set([ZINCATI_DEFAULT_GROUP, ...state.budget.perGroup.keys(), ...holders.map((h) => h.hold.group)]);
}

export function registerSlotGauges(registry: Registry, state: LiveState): void {
  const registers = [registry];
  const now = (): number => state.now?.() ?? Date.now();

  new Gauge({
    name: 'reboot_manager_slots_held',
    help: 'Nodes holding a reboot slot, by the FleetLock group the slot was taken in.',
    labelNames: ['group'],
    registers,
    collect() {
      this.reset();
      const holders = state.holders();
      const held = new Map<string, number>();
      for (const { hold } of holders) held.set(hold.group, (held.get(hold.group) ?? 0) + 1);
      for (const group of groupsOf(state, holders)) this.set({ group }, held.get(group) ?? 0);
    },
  });
  new Gauge({
    name: 'reboot_manager_slots_allowed',
    help: 'Reboot slots a group may hold at once (--group-slots, else --slots-per-group, capped by --max-rebooting); urgent groups have no per-group limit and are not listed.',
    labelNames: ['group'],
    registers,
    collect() {
      this.reset();
      for (const group of groupsOf(state, state.holders())) {
        if (!isUrgent(state.budget, group)) this.set({ group }, slotsOf(state.budget, group));
      }
    },
  });
  new Gauge({
    name: 'reboot_manager_max_rebooting',
    help: 'Cluster-wide cap on nodes holding reboot slots at once (--max-rebooting).',
    registers,
    collect() {
      this.set(state.budget.maxTotal);
    },
  });
  new Gauge({
    name: 'reboot_manager_holder_info',
    help: 'One series per node holding a reboot slot, always 1: its group and phase (claimed, draining, drained).',
    labelNames: ['node', 'group', 'phase'],
    registers,
    collect() {
      this.reset();
      for (const { node, hold } of state.holders()) this.set({ node: node.name, group: hold.group, phase: hold.phase }, 1);
    },
  });
  new Gauge({
    name: 'reboot_manager_holder_age_seconds',
    help: 'How long each node holding a reboot slot has held it (since its claim).',
    labelNames: ['node'],
    registers,
    collect() {
      this.reset();
      const at = now();
      for (const { node, hold } of state.holders()) {
        const claimed = Date.parse(hold.claimedAt);
        if (!Number.isNaN(claimed)) this.set({ node: node.name }, Math.max(0, (at - claimed) / 1000));
      }
    },
  });
  new Gauge({
    name: 'reboot_manager_leader',
    help: '1 on the replica that leads (decides claims and releases, drains), 0 on followers.',
    registers,
    collect() {
      this.set(state.isLeader() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'reboot_manager_drains_in_progress',
    help: 'Drains this replica is running (cordoning or evicting); 0 on followers.',
    registers,
    collect() {
      this.set(state.drainsInProgress());
    },
  });
}
