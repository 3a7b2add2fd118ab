// Gauges computed at scrape time from the node cache: they cannot drift from what the Nodes say.
import { Gauge, type Registry } from 'prom-client';
import { groupsOf, type SlotBudget } from '../slot/budget.js';
import { sourceName } from '../slot/encoding.js';
import type { SlotSource } from '../slot/slot.js';

/** A holder as the node cache shows it. */
export interface HolderSample {
  readonly node: { readonly name: string };
  readonly slot: { readonly group: string; readonly phase: string; readonly claimedAt: string; readonly source: Pick<SlotSource, 'kind'> };
}

/** What the scrape reads; every function is called once per scrape. */
export interface LiveState {
  holders(): readonly HolderSample[];
  readonly budget: SlotBudget;
  isLeader(): boolean;
  drainsInProgress(): number;
  now(): number;
  /** Nodes refused a slot and still asking, with when their wait began (RFC 3339). */
  waits(): readonly { readonly since: string }[];
}

function groupsNow(state: LiveState): ReturnType<typeof groupsOf> {
  return groupsOf(state.budget, state.holders().map((h) => h.slot));
}

export function registerSlotGauges(registry: Registry, state: LiveState): void {
  const registers = [registry];

  new Gauge({
    name: 'reboot_manager_slots_held',
    help: 'Nodes holding a reboot slot, by the FleetLock group the slot was taken in.',
    labelNames: ['group'],
    registers,
    collect() {
      this.reset();
      for (const { group, holders } of groupsNow(state)) this.set({ group }, holders);
    },
  });
  new Gauge({
    name: 'reboot_manager_slots_allowed',
    help: 'Reboot slots a group may hold at once (--group-slots, else --slots-per-group, capped by --max-rebooting); urgent groups have no per-group limit and are not listed.',
    labelNames: ['group'],
    registers,
    collect() {
      this.reset();
      for (const { group, slots, urgent } of groupsNow(state)) if (!urgent) this.set({ group }, slots);
    },
  });
  new Gauge({
    name: 'reboot_manager_waiting_nodes',
    help: 'Nodes refused a reboot slot (slots_full or blocked) that still ask: refused within the last 30 minutes.',
    registers,
    collect() {
      this.set(state.waits().length);
    },
  });
  new Gauge({
    name: 'reboot_manager_oldest_wait_seconds',
    help: 'How long the longest-waiting node has waited, since its first refused pre-reboot; 0 when none waits.',
    registers,
    collect() {
      const first = Math.min(...state.waits().map((w) => Date.parse(w.since)).filter(Number.isFinite));
      this.set(Number.isFinite(first) ? Math.max(0, (state.now() - first) / 1000) : 0);
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
    help: 'One series per node holding a reboot slot, always 1: its group, phase (claimed, draining, drained) and source (fleetlock, maintenance-request).',
    labelNames: ['node', 'group', 'phase', 'source'],
    registers,
    collect() {
      this.reset();
      for (const { node, slot } of state.holders()) this.set({ node: node.name, group: slot.group, phase: slot.phase, source: sourceName(slot.source) }, 1);
    },
  });
  new Gauge({
    name: 'reboot_manager_holder_age_seconds',
    help: 'How long each node holding a reboot slot has held it (since its claim).',
    labelNames: ['node'],
    registers,
    collect() {
      this.reset();
      const at = state.now();
      for (const { node, slot } of state.holders()) {
        const claimed = Date.parse(slot.claimedAt);
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
