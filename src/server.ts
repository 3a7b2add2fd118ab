import type { Logger } from 'pino';
import { systemClock, type Clock } from './clock/clock.js';
import type { ServeConfig } from './config/serve.js';
import { ConditionPublisher } from './coordinator/condition-publisher.js';
import { Coordinator, type Leadership } from './coordinator/coordinator.js';
import { Reconciler } from './coordinator/reconciler.js';
import { StaleHolders } from './coordinator/stale.js';
import { WindowClose } from './coordinator/window-close.js';
import { Drainer, type DrainOptions } from './drain/index.js';
import { CallerGate } from './coordinator/caller-gate.js';
import { feedCallers } from './coordinator/caller-feed.js';
import { buildInternalServer } from './http/internal-server.js';
import { listenAt } from './http/listen.js';
import { buildPublicServer } from './http/server.js';
import { CallerIndex } from './identity/callers.js';
import { AgentPods } from './kube/agent-pods.js';
import { loadTlsServing } from './http/tls-serving.js';
import { NodeIndex } from './identity/node-index.js';
import type { KubeApi } from './kube/api.js';
import { createKubeApi } from './kube/rest-api.js';
import type { KubeError } from './kube/errors.js';
import { EventRecorder } from './kube/events.js';
import { LeaderElector, apiLeaseStore } from './kube/leader.js';
import { NodeCache } from './kube/nodes.js';
import type { MaintenanceRequests } from './kube/maintenance-requests.js';
import { WorkloadCaches } from './kube/workloads.js';
import { HealthGate } from './health/health-gate.js';
import { cachedDisturbance } from './health/lookup.js';
import { sharesPool } from './health/same-scope.js';
import { createLogger } from './logging/logger.js';
import { createServerMetrics } from './metrics/registry.js';
import type { SlotBudget } from './slot/budget.js';
import { sameForSlots } from './slot/encoding.js';
import { SlotIndex } from './slot/holders.js';
import { StatusService } from './status/snapshot.js';
import { Admission } from './coordinator/admission.js';
import { Explainer } from './coordinator/explain.js';
import { feedScopes } from './coordinator/scope-feed.js';
import { PolicyObjects } from './kube/policy-objects.js';
import { PauseRule } from './policy/pause-rule.js';
import { WindowRule } from './policy/window-rule.js';
import { Blockers } from './blockers/blocker-rule.js';
import { PolicySource } from './policy/policy-source.js';
import type { PolicyDefaults } from './policy/policy.js';
import { policyReport } from './policy/report.js';
import { ScopeIndex } from './slot/scope-index.js';
import { waitingNodes } from './slot/waiting.js';
import { wireRequests } from './server-requests.js';
import { startNotifications } from './notify/start.js';

export interface RunningServer {
  /** Base URL of the public FleetLock server, e.g. `http://127.0.0.1:8080/` (`https://` with TLS). */
  readonly url: string;
  /** Base URL of the internal server (status page, `/api/v1/status`, `/api/v1/explain`, `/metrics`, probes), e.g. `http://127.0.0.1:8081/`. */
  readonly internalUrl: string;
  readonly coordinator: Coordinator;
  readonly nodes: NodeCache;
  /** The watch-fed MaintenanceRequest cache the status is built from. */
  readonly requests: MaintenanceRequests;
  isLeader(): boolean;
  /** Resolves once this replica leads and its node, agent-pod and policy caches are synced: it answers FleetLock then. */
  whenServing(): Promise<void>;
  close(): Promise<void>;
}

/** The drain settings of `serve`. */
export function drainOptionsOf(config: ServeConfig): DrainOptions {
  return {
    unmanagedPods: config.drainUnmanagedPods,
    concurrency: config.drainConcurrency,
    evictionRate: config.evictionRate,
    timeoutMs: config.drainTimeout,
    timeoutPolicy: config.drainTimeoutPolicy,
    retryMinMs: config.evictionRetryMin,
    retryMaxMs: config.evictionRetryMax,
    blockedRetryMs: config.evictionBlockedRetry,
    progressIntervalMs: config.drainProgressInterval,
    ownPod: config.ownPod,
  };
}

export function budgetOf(config: ServeConfig): SlotBudget {
  return { maxTotal: config.maxRebooting, defaultPerGroup: config.slotsPerGroup, perGroup: config.groupSlots, urgentGroups: config.urgentGroups };
}

/** The policy with no RebootPolicy object: the budget flags. */
export function policyDefaultsOf(config: ServeConfig): PolicyDefaults {
  const healthGate = { enabled: config.healthGate, timeoutMs: config.healthGateTimeout, nodeReadyMs: config.healthGateNodeReady, onTimeout: config.healthGateOnTimeout };
  return { maxUnavailable: config.maxRebooting, countUnavailable: config.countUnavailable, healthGate };
}

const alwaysLeader: Leadership & { start(): void; stop(): Promise<void>; whenLeading(): Promise<void> } = {
  isLeader: () => true,
  whenLeading: () => Promise.resolve(),
  start: () => undefined,
  stop: () => Promise.resolve(),
};

export interface ServerRuntime {
  readonly logger?: Logger;
  readonly api?: KubeApi;
  readonly clock?: Clock;
  /** Jitter source for backoffs (0 <= x < 1); a simulation passes a seeded one. */
  readonly random?: () => number;
  /** Serve HTTP (default). The simulation drives the coordinator in process instead. */
  readonly http?: boolean;
}

/** The core of one replica: caches, leader election, coordinator, drains and reconciler, wired and started. */
export function startReplica(config: ServeConfig, runtime: ServerRuntime & { logger: Logger; api: KubeApi }) {
  const { logger: log, api } = runtime;
  const clock = runtime.clock ?? systemClock;
  const random = runtime.random;
  const reportKube = (what: string) => (err: KubeError) => log.error({ err: err.message, code: err.code }, what);
  const jitter = random ? { random } : {};

  const nodes = new NodeCache({ api, clock, equal: sameForSlots, onError: reportKube('node watch failed; retrying'), ...jitter });
  const slots = new SlotIndex(nodes);
  const index = new NodeIndex();
  const callers = new CallerIndex();
  const agentPods = config.agentPods ? new AgentPods(api, clock, config.agentPods, { onError: reportKube('imds-agent pod watch failed; retrying'), ...jitter }) : undefined;
  const unfeedCallers = feedCallers(callers, nodes, agentPods);
  const budget = budgetOf(config);
  const events = new EventRecorder(api, clock, { instance: config.identity, onError: reportKube('recording a Kubernetes Event failed') });
  // Slot and leader gauges are read from the cache at scrape time; the rest is recorded where it happens.
  const metrics = createServerMetrics({ holders: () => slots.holders(), budget, isLeader: () => leader.isLeader(), drainsInProgress: () => drainer.inProgress(), now: () => clock.now(), waits: () => waitingNodes(nodes.values(), clock.now()).map((w) => w.wait) });

  // Drains run only on the leader: losing the Lease stops them, the next leader resumes them from the API.
  const policyObjects = new PolicyObjects(api, clock, {
    onError: (err) => (err.code === 'not_found' ? policy.watchFailed(err) : reportKube('RebootPolicy watch failed; retrying')(err)),
    ...jitter,
  });
  const policy = new PolicySource({
    objects: policyObjects,
    defaults: policyDefaultsOf(config),
    log,
    clock,
    report: policyReport({ api, events, metrics: metrics.policy, clock, log, isLeader: () => leader.isLeader() }),
  });
  const scopes = new ScopeIndex(policy.current().budget);
  const unfeedScopes = feedScopes(scopes, nodes);
  const offPolicy = policy.on((p) => scopes.setPolicy(p.budget));
  // The health gate's watches run only while it is on; the drain names what it disturbs from them.
  const workloads = new WorkloadCaches(api, clock, { onError: reportKube('workload or PodDisruptionBudget watch failed; retrying'), ...jitter });
  const healthGate = new HealthGate({ nodes, workloads, clock, log, events, isLeader: () => leader.isLeader(), sameScope: sharesPool(scopes), settings: policy.current().healthGate });
  const offHealthGate = policy.on((p) => healthGate.update(p.healthGate));
  const pause = new PauseRule(() => policy.current().pause);
  let windows = new WindowRule(policy.current());
  const offWindows = policy.on((p) => (windows = new WindowRule(p)));
  const blockers = new Blockers({ api, clock, log, ...jitter });
  blockers.update(policy.current());
  const offBlockers = policy.on((p) => blockers.update(p));
  const admission = new Admission({
    slots,
    scopes,
    budget,
    clock,
    settleMs: config.settleTime,
    budgetsFromObject: () => policy.current().budgetsFromObject,
    rules: () => [pause, windows, blockers, healthGate],
    synced: () => policy.synced,
  });

  // A window closing on a running drain gives the claim back (drainOutsideWindow Stop): one leader timer, re-armed on every change.
  const windowClose = new WindowClose({ slots, nodes, policy, windows: () => windows, asking: (n, g) => admission.asking(n, g), clock, isLeader: () => leader.isLeader(), events, reconcile: (name): Promise<void> => reconciler.reconcile(name) });

  // KEP-5683 lifecycle conditions follow the slot on every node, written by the leader outside the FleetLock path.
  const conditions = new ConditionPublisher({ nodes, clock, log, metrics, isLeader: () => leader.isLeader(), ...jitter });
  const drainer = new Drainer({ api, clock, ...jitter, nodes, events, log, options: drainOptionsOf(config), isLeader: () => leader.isLeader(), metrics, disturbance: cachedDisturbance(workloads) });
  const leader = config.leaderElect
    ? new LeaderElector({
        store: apiLeaseStore(api, config.namespace, config.leaseName),
        clock,
        identity: config.identity,
        leaseDurationMs: config.leaseDuration,
        renewDeadlineMs: config.renewDeadlineMs,
        retryPeriodMs: config.retryPeriodMs,
        onError: reportKube('leader election failed; retrying'),
        onChange: (leading) => {
          log.info({ leading }, leading ? 'became the leader' : 'no longer the leader');
          coordinator.leadershipChanged();
          windowClose.arm();
          conditions.leadershipChanged(leading);
          if (leading) policy.republish();
          if (leading) void nodes.whenSynced().then(() => reconciler.sweep()).then(() => requests.driver.kick());
          else drainer.stopAll();
        },
      })
    : alwaysLeader;

  // Webhooks hear of claims, grants and releases where Events are recorded, of long blocked drains and waits from the
  // leader's periodic look; only the leader decides, so only it sends.
  const notifications = config.notify
    ? startNotifications(config.notify, { clock, log, metrics: metrics.notifications, ...jitter, holders: () => slots.holders(), waits: () => waitingNodes(nodes.values(), clock.now()), isLeader: () => leader.isLeader(), checkEveryMs: config.resyncInterval })
    : undefined;
  const coordinator = new Coordinator({
    nodes,
    slots,
    index,
    admission,
    leadership: leader,
    events,
    preparer: drainer,
    log,
    clock,
    identity: config.identity,
    freshAtStart: !config.leaderElect,
    metrics,
    windows: windowClose,
    notifier: notifications?.notifier,
  });
  const stale = new StaleHolders({ staleAfterMs: config.staleAfter, events, log, onCount: (n) => metrics.staleHolders.set(n) });
  const reconciler = new Reconciler({ nodes, slots, index, coordinator, log, clock, sweepIntervalMs: config.resyncInterval, stale, isLeader: () => leader.isLeader() });
  const requests = wireRequests({ api, clock, ...jitter, nodes, slots, coordinator, events, log, metrics, isLeader: () => leader.isLeader(), sweepIntervalMs: config.resyncInterval, urgentGroups: budget.urgentGroups });
  // A policy edit (a resume, a window added) moves pending requests on at once, not at the next sweep.
  const offRequestPolicy = policy.on(() => requests.driver.kick());
  reconciler.start();
  requests.start();
  conditions.start();
  nodes.start();
  agentPods?.start();
  policyObjects.start();
  leader.start();
  void nodes.whenSynced().then(() => {
    log.info({ nodes: nodes.size, holders: slots.holders().length }, 'node cache synced');
    for (const dup of index.duplicates()) {
      log.warn({ machineId: dup.machineId, nodes: dup.names }, 'several nodes report one machine-id: their kubelets do not see the host /etc/machine-id');
    }
    if (!config.leaderElect) void reconciler.sweep();
  });

  let closed = false;
  const stopParts = (): void => {
    drainer.close();
    healthGate.close();
    windowClose.close();
    offWindows();
    offRequestPolicy();
    offBlockers();
    void blockers.stop();
    reconciler.stop();
    requests.stop();
    conditions.stop();
    nodes.stop();
    agentPods?.stop();
    policyObjects.stop();
    unfeedCallers();
    unfeedScopes();
    offPolicy();
    offHealthGate();
    policy.close();
    slots.close();
    notifications?.close();
  };
  return {
    nodes,
    slots,
    index,
    callers,
    /** Both caches the caller check reads have listed once. */
    callersSynced: () => nodes.synced && (agentPods?.synced ?? true),
    coordinator,
    metrics,
    leader,
    budget,
    healthGate,
    policy,
    scopes,
    admission,
    requests,
    blockers,
    /** The windows in force (a new policy makes a new rule). */
    windows: { view: (now: number) => windows.view(now) },
    isLeader: () => leader.isLeader(),
    // With the caller check on, answers wait for the imds-agent pod cache too: until then they are 'unavailable'.
    whenServing: () => Promise.all([leader.whenLeading(), nodes.whenSynced(), policy.whenSynced(), agentPods?.whenSynced()]).then(() => undefined),
    /** Stops everything this replica started: a crash in a simulation is the same without the Lease handover. */
    halt: stopParts,
    async close(): Promise<void> {
      // A restart test closes a replica that its teardown closes again.
      if (closed) return;
      closed = true;
      drainer.close();
      await leader.stop();
      stopParts();
      await events.flush();
    },
  };
}

export type Replica = ReturnType<typeof startReplica>;

/** The composition root of `reboot-manager serve`: wires kube -> coordinator -> http and starts them. */
export async function startServer(config: ServeConfig, runtime: ServerRuntime = {}): Promise<RunningServer> {
  const log = runtime.logger ?? createLogger({ level: config.logLevel, base: { replica: config.identity } });
  // Bad TLS files stop the start-up before anything else starts; the gauge is bound once metrics exist.
  const tls = await loadTlsServing(config.tls, (c) => replica.metrics.tlsCertificate.inForce(Date.parse(c.notAfter)));
  const api = runtime.api ?? createKubeApi(config.kubeconfig);
  const replica = startReplica(config, { ...runtime, logger: log, api });
  const clock = runtime.clock ?? systemClock;

  // Every replica serves the status page from its own cache; only the leader's says `leader: true`.
  const { nodes, slots, coordinator, metrics } = replica;
  const status = new StatusService({
    nodes: { values: () => nodes.values(), get synced() { return nodes.synced; }, lastRelease: () => slots.lastRelease() },
    requests: replica.requests.requests,
    budget: () => replica.admission.budget(),
    policy: replica,
    identity: config.identity,
    isLeader: () => replica.isLeader(),
    clock,
  });
  const lock = config.callerCheck === 'node' ? new CallerGate({ lock: coordinator, index: replica.index, callers: replica.callers, synced: replica.callersSynced }) : coordinator;
  if (config.callerCheck === 'off') log.warn('--caller-check=off: any client that reaches the FleetLock port can cordon and drain any node');
  const publicServer = buildPublicServer({ lock, outcomes: metrics.requests, logger: log, trustedProxies: config.trustedProxies, tls, limits: { maxConnections: config.maxConnections } });
  // With the caller check on, a replica whose agent-pod cache has not listed yet would refuse the agents: not ready.
  const readiness = {
    readiness: () => (config.callerCheck === 'node' && nodes.synced && !replica.callersSynced() ? { ready: false, reason: 'imds-agent pod cache not synced yet' } : coordinator.readiness()),
  };
  const explain = new Explainer({ nodes, admission: replica.admission, identity: config.identity, isLeader: () => replica.isLeader(), clock });
  const internalServer = buildInternalServer({ readiness, metrics: metrics.registry, status, explain, logger: log });
  let url: string;
  let internalUrl: string;
  try {
    url = await listenAt(publicServer, config.listen, tls ? 'https' : 'http');
    internalUrl = await listenAt(internalServer, config.internalListen);
  } catch (err) {
    await Promise.all([publicServer.close(), internalServer.close(), replica.close()]);
    throw err;
  }
  log.info({ url, internalUrl, server: api.origin, maxRebooting: config.maxRebooting, leaderElect: config.leaderElect, callerCheck: config.callerCheck, trustedProxies: config.trustedProxies }, 'reboot-manager serving FleetLock');

  return {
    url,
    internalUrl,
    coordinator,
    nodes,
    requests: replica.requests.requests,
    isLeader: () => replica.isLeader(),
    whenServing: () => replica.whenServing(),
    async close() {
      await replica.close();
      await Promise.all([publicServer.close(), internalServer.close()]);
    },
  };
}
