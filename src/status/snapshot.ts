// The snapshot behind `GET /api/v1/status` and the status page: built from the server's watch-fed node
// cache on each request, so reading it costs no Kubernetes API call, on the leader or a follower.
import type { Clock } from '../clock/clock.js';
import type { NodeView } from '../kube/node-view.js';
import type { MaintenanceRequestView } from '../requests/request.js';
import { groupsOf, type GroupSlots, type SlotBudget } from '../slot/budget.js';
import { policySection, type PolicySection, type PolicyViews } from './policy-section.js';
import { requestRows, type RequestRow } from './request-rows.js';
import { statusRows, type StatusRow } from './rows.js';
import { historyRows, type HistoryRow } from './history-rows.js';
import { waitingRows, type WaitingRow } from './waiting-rows.js';

const SNAPSHOT_HISTORY = 20;

/** Field names are part of the status API (documented in the README): add fields, never rename. */
export interface StatusSnapshot {
  /** When this replica built the snapshot (RFC 3339). */
  readonly generatedAt: string;
  /** This replica's leader-election identity. */
  readonly identity: string;
  /** Whether this replica leads (decides); a follower serves the view of its own cache. */
  readonly leader: boolean;
  /** False until the first complete list of Nodes: `nodes` may be incomplete until then. */
  readonly cacheSynced: boolean;
  readonly budget: BudgetStatus;
  /** Nodes holding a reboot slot now. */
  readonly holders: number;
  /** The most recent release recorded on any node, or null. */
  readonly lastRelease: { readonly node: string; readonly at: string } | null;
  /** Every node, holders first, then by name in natural order (node-2 before node-10). */
  readonly nodes: readonly StatusRow[];
  /** The rollout policy in force and what it holds back now. */
  readonly policy: PolicySection;
  /** Every live MaintenanceRequest, first come first, then the latest ended ones (at most 20, within 24 h). */
  readonly requests: readonly RequestRow[];
  /** Nodes refused a slot that still ask, and pending MaintenanceRequests: longest wait first. */
  readonly waiting: readonly WaitingRow[];
  /** The cluster's latest reboots, newest first (at most 20; `GET /api/v1/history` has more, and per node). */
  readonly history: readonly HistoryRow[];
}

/** The budget in force: the flags, or with a RebootPolicy its cluster cap (resolved to a count now). */
export interface BudgetStatus {
  /** Slots cluster-wide: `--max-rebooting`, or the policy's `maxUnavailable` as a count. */
  readonly maxRebooting: number;
  /** `--slots-per-group`: slots of a group not named in `groupSlots`; null with a RebootPolicy (no per-group limit). */
  readonly slotsPerGroup: number | null;
  /** `--group-slots`. */
  readonly groupSlots: Readonly<Record<string, number>>;
  /** `--urgent-groups`: drained and granted even when the budget is full. */
  readonly urgentGroups: readonly string[];
  /** Every group configured or holding a slot now, by name: its slots and its holders. */
  readonly groups: readonly GroupStatus[];
}

export type GroupStatus = GroupSlots;

/** What the snapshot reads of the node cache (`Nodes` has it). */
export interface NodeSource {
  values(): Iterable<NodeView>;
  readonly synced: boolean;
  lastRelease(): { name: string; at: number } | undefined;
}

/** What the snapshot reads of the MaintenanceRequest cache (`MaintenanceRequests` has it). */
export interface RequestSource {
  values(): Iterable<MaintenanceRequestView>;
}

export interface StatusServiceDeps {
  readonly nodes: NodeSource;
  readonly requests: RequestSource;
  /** The budget in force (`Admission.budget()`): a policy's cluster cap follows the node count. */
  budget(): SlotBudget;
  readonly policy: PolicyViews;
  readonly identity: string;
  isLeader(): boolean;
  readonly clock: Pick<Clock, 'now'>;
}

export class StatusService {
  constructor(private readonly deps: StatusServiceDeps) {}

  snapshot(): StatusSnapshot {
    const { nodes } = this.deps;
    const budget = this.deps.budget();
    const now = this.deps.clock.now();
    const requests = [...this.deps.requests.values()];
    const rows = statusRows(nodes.values(), now, requests);
    const holders = rows.filter((r) => r.lock === 'Rebooting');
    const last = nodes.lastRelease();
    return {
      generatedAt: new Date(now).toISOString(),
      identity: this.deps.identity,
      leader: this.deps.isLeader(),
      cacheSynced: nodes.synced,
      budget: {
        maxRebooting: budget.maxTotal,
        slotsPerGroup: Number.isFinite(budget.defaultPerGroup) ? budget.defaultPerGroup : null,
        groupSlots: Object.fromEntries([...budget.perGroup].sort(([a], [b]) => (a < b ? -1 : 1))),
        urgentGroups: [...budget.urgentGroups].sort(),
        groups: groupsOf(budget, holders),
      },
      holders: holders.length,
      lastRelease: last ? { node: last.name, at: new Date(last.at).toISOString() } : null,
      nodes: rows,
      policy: policySection(this.deps.policy, now),
      requests: requestRows(requests, nodes.values(), now),
      waiting: waitingRows(nodes.values(), requests, now),
      history: historyRows(nodes.values(), undefined, SNAPSHOT_HISTORY),
    };
  }

  history(node?: string): HistoryRow[] | undefined {
    if (node !== undefined && ![...this.deps.nodes.values()].some((n) => n.name === node)) return undefined;
    return historyRows(this.deps.nodes.values(), node);
  }
}

