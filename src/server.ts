import type { Logger } from 'pino';
import type { ServeConfig } from './config/serve.js';
import type { SlotBudget } from './coordinator/budget.js';
import { Coordinator, type Leadership } from './coordinator/coordinator.js';
import { Reconciler } from './coordinator/reconciler.js';
import { StaleHolders } from './coordinator/stale.js';
import { createServerMetrics } from './metrics/registry.js';
import { Drainer, type DrainOptions } from './drain/index.js';
import { buildHttpServer } from './http/server.js';
import { NodeIndex } from './identity/node-index.js';
import { createKubeClient, type KubeClient } from './kube/client.js';
import type { KubeError } from './kube/errors.js';
import { EventRecorder } from './kube/events.js';
import { LeaderElector } from './kube/leader.js';
import { Nodes } from './kube/nodes.js';
import { createLogger } from './logging/logger.js';
import { originForLogs } from './logging/safe-url.js';
import { StatusService } from './status/snapshot.js';

export interface RunningServer {
  /** Base URL of the FleetLock server, e.g. `http://127.0.0.1:8080/`. */
  readonly url: string;
  readonly coordinator: Coordinator;
  readonly nodes: Nodes;
  isLeader(): boolean;
  /** Resolves once this replica leads and its node cache is synced: it answers FleetLock then. */
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

const alwaysLeader: Leadership & { start(): void; stop(): Promise<void>; whenLeading(): Promise<void> } = {
  isLeader: () => true,
  whenLeading: () => Promise.resolve(),
  start: () => undefined,
  stop: () => Promise.resolve(),
};

/** The composition root of `reboot-manager serve`: wires kube -> coordinator -> http and starts them. */
export async function startServer(config: ServeConfig, opts: { logger?: Logger; kube?: KubeClient } = {}): Promise<RunningServer> {
  const log = opts.logger ?? createLogger({ level: config.logLevel, base: { replica: config.identity } });
  const kube = opts.kube ?? createKubeClient(config.kubeconfig);
  const reportKube = (what: string) => (err: KubeError) => log.error({ err: err.message, code: err.code }, what);

  const nodes = new Nodes(kube, { onError: reportKube('node watch failed; retrying') });
  const index = new NodeIndex();
  const budget: SlotBudget = { maxTotal: config.maxRebooting, defaultPerGroup: config.slotsPerGroup, perGroup: config.groupSlots, urgentGroups: config.urgentGroups };
  const events = new EventRecorder(kube, { namespace: config.namespace, instance: config.identity, onError: reportKube('recording a Kubernetes Event failed') });
  // Slot and leader gauges are read from the cache at scrape time; the rest is recorded where it happens.
  const metrics = createServerMetrics({ holders: () => nodes.holders(), budget, isLeader: () => leader.isLeader(), drainsInProgress: () => drainer.inProgress() });

  // Drains run only on the leader: losing the Lease stops them, the next leader resumes them from the API.
  const drainer = new Drainer({ kube, nodes, events, log, options: drainOptionsOf(config), isLeader: () => leader.isLeader(), metrics });
  const leader = config.leaderElect
    ? new LeaderElector(kube, {
        namespace: config.namespace,
        leaseName: config.leaseName,
        identity: config.identity,
        leaseDurationMs: config.leaseDuration,
        renewDeadlineMs: config.renewDeadlineMs,
        retryPeriodMs: config.retryPeriodMs,
        onError: reportKube('leader election failed; retrying'),
        onChange: (leading) => {
          log.info({ leading }, leading ? 'became the leader' : 'no longer the leader');
          if (leading) void nodes.whenSynced().then(() => reconciler.sweep());
          else drainer.stopAll();
        },
      })
    : alwaysLeader;

  const coordinator = new Coordinator({ nodes, index, budget, leadership: leader, events, preparer: drainer, log, settleMs: config.settleTime, metrics });
  const stale = new StaleHolders({ staleAfterMs: config.staleAfter, events, log, onCount: (n) => metrics.staleHolders.set(n) });
  const reconciler = new Reconciler({ nodes, index, coordinator, log, sweepIntervalMs: config.resyncInterval, stale, isLeader: () => leader.isLeader() });
  reconciler.start();
  nodes.start();
  leader.start();
  void nodes.whenSynced().then(() => {
    log.info({ nodes: nodes.size, holders: nodes.holders().length }, 'node cache synced');
    for (const dup of index.duplicates()) {
      log.warn({ machineId: dup.machineId, nodes: dup.names }, 'several nodes report one machine-id: their kubelets do not see the host /etc/machine-id');
    }
    if (!config.leaderElect) void reconciler.sweep();
  });

  // Every replica serves the status page from its own cache; only the leader's says `leader: true`.
  const status = new StatusService({ nodes, budget, identity: config.identity, isLeader: () => leader.isLeader() });
  const http = buildHttpServer({ lock: coordinator, readiness: coordinator, metrics: metrics.registry, outcomes: metrics.requests, status, logger: log });
  await http.listen({ host: config.listen.host, port: config.listen.port });
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.listen.port;
  const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}/`;
  log.info({ url, server: originForLogs(kube.server), maxRebooting: config.maxRebooting, leaderElect: config.leaderElect }, 'reboot-manager serving FleetLock');

  return {
    url,
    coordinator,
    nodes,
    isLeader: () => leader.isLeader(),
    whenServing: () => Promise.all([leader.whenLeading(), nodes.whenSynced()]).then(() => undefined),
    async close() {
      drainer.close();
      await leader.stop();
      await http.close();
      reconciler.stop();
      nodes.stop();
      await events.flush();
    },
  };
}
