import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConditionMetrics } from '../coordinator/condition-publisher.js';
import type { CoordinatorMetrics, ReleaseReason } from '../coordinator/coordinator-metrics.js';
import type { Rule } from '../policy/reasons.js';
import type { DrainMetrics, EvictionOutcome } from '../drain/drain-metrics.js';
import { CLAIM_WAIT_BUCKETS, DRAIN_BUCKETS } from './buckets.js';
import { FleetLockRequests } from './fleetlock-requests.js';
import { NotificationMetrics } from './notification-metrics.js';
import { PolicyMetrics } from './policy-metrics.js';
import { registerSlotGauges, type LiveState } from './slot-gauges.js';
import { TlsCertificateGauge } from './tls-certificate.js';

export type { LiveState } from './slot-gauges.js';

const RELEASE_REASONS: readonly ReleaseReason[] = ['rebooted', 'steady_state', 'withdrawn', 'window_closed', 'manual', 'node_deleted', 'request_completed', 'request_expired', 'request_deleted'];
const EVICTION_OUTCOMES: readonly EvictionOutcome[] = ['evicted', 'gone', 'blocked_by_budget', 'several_budgets', 'throttled', 'forbidden', 'error', 'deleted'];

/**
 * The server's Prometheus metrics; one registry per server so tests can run several side by side.
 * Gauges of state are computed at scrape time from `LiveState`; the rest are recorded where things happen.
 */
export class ServerMetrics implements CoordinatorMetrics, DrainMetrics, ConditionMetrics {
  readonly registry = new Registry();
  /** Told by the HTTP layer how each FleetLock request was answered. */
  readonly requests: FleetLockRequests;
  /** Holders that have held their slot longer than --stale-after. */
  readonly staleHolders: Gauge;
  /** Expiry of the FleetLock port's certificate, once TLS is on. */
  readonly tlsCertificate = new TlsCertificateGauge(this.registry);
  /** Policy in force or rejected; claims blocked by reason. */
  readonly policy = new PolicyMetrics(this.registry);
  /** Webhook notifications sent and dropped, per receiver. */
  readonly notifications = new NotificationMetrics(this.registry);
  private readonly claimWait: Histogram;
  private readonly drainDuration: Histogram;
  private readonly evictions: Counter<'result'>;
  private readonly releases: Counter<'reason'>;
  private readonly conditionWriteErrors: Counter;
  /**
   * When each node waiting for a slot was first refused, kept in memory on this replica: after a
   * failover the wait counts from the node's first refusal by the new leader.
   */
  private readonly waitingSince = new Map<string, number>();

  constructor(state: LiveState) {
    const registers = [this.registry];
    // prom-client's names already start with process_ / nodejs_: reboot_manager_process_cpu_seconds_total, ...
    collectDefaultMetrics({ register: this.registry, prefix: 'reboot_manager_' });
    registerSlotGauges(this.registry, state);
    this.requests = new FleetLockRequests(this.registry);
    this.staleHolders = new Gauge({ name: 'reboot_manager_stale_holders', help: 'Nodes holding a reboot slot for longer than --stale-after.', registers });
    this.claimWait = new Histogram({
      name: 'reboot_manager_claim_wait_seconds',
      help: "From a node's first pre-reboot refused for want of a slot to its claim (0 when a slot was free); first refusals are remembered in memory by the leader.",
      buckets: CLAIM_WAIT_BUCKETS,
      registers,
    });
    this.drainDuration = new Histogram({
      name: 'reboot_manager_drain_duration_seconds',
      help: 'From the claim to the node being drained (or given up on by --drain-timeout-policy grant).',
      buckets: DRAIN_BUCKETS,
      registers,
    });
    this.evictions = new Counter({
      name: 'reboot_manager_evictions_total',
      help: 'Answers to eviction (and, after a drain timeout, deletion) calls: evicted, gone, blocked_by_budget, several_budgets, throttled, forbidden, error, deleted.',
      labelNames: ['result'],
      registers,
    });
    this.releases = new Counter({
      name: 'reboot_manager_releases_total',
      help: 'Reboot slots given back, by reason: rebooted, steady_state, withdrawn (tie-break), window_closed (a maintenance window closed on the drain), manual (reboot-manager release), node_deleted, request_completed, request_expired, request_deleted.',
      labelNames: ['reason'],
      registers,
    });
    this.conditionWriteErrors = new Counter({
      name: 'reboot_manager_node_condition_write_errors_total',
      help: 'Failed writes of the Node lifecycle conditions (MaintenancePlanned, DrainInProgress, Drained, MaintenanceInProgress); each is retried with backoff.',
      registers,
    });
    // Every series exists from the start, at 0, so rate() and alerts see the first increment.
    for (const reason of RELEASE_REASONS) this.releases.inc({ reason }, 0);
    for (const result of EVICTION_OUTCOMES) this.evictions.inc({ result }, 0);
  }

  waitingForSlot(node: string, at: number): void {
    if (!this.waitingSince.has(node)) this.waitingSince.set(node, at);
  }

  claimed(node: string, at: number, waitedSince?: string): void {
    const recorded = Date.parse(waitedSince ?? '');
    const since = Math.min(this.waitingSince.get(node) ?? at, Number.isFinite(recorded) ? recorded : at);
    this.waitingSince.delete(node);
    this.claimWait.observe(Math.max(0, (at - since) / 1000));
  }

  nodeDeleted(node: string): void {
    this.waitingSince.delete(node);
  }

  released(reason: ReleaseReason): void {
    this.releases.inc({ reason });
  }

  claimBlocked(rules: readonly Rule[]): void {
    this.policy.claimBlocked(rules);
  }

  evicted(result: EvictionOutcome): void {
    this.evictions.inc({ result });
  }

  conditionWriteFailed(): void {
    this.conditionWriteErrors.inc();
  }

  drained(seconds: number): void {
    this.drainDuration.observe(Math.max(0, seconds));
  }
}

export function createServerMetrics(state: LiveState): ServerMetrics {
  return new ServerMetrics(state);
}
