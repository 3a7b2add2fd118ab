// Composition root of `reboot-manager imds-agent`: config -> IMDS client + FleetLock clients -> agent loop.
import type { Logger } from 'pino';
import { startMetricsServer } from '../http/metrics-server.js';
import { createLogger } from '../logging/logger.js';
import { urlForLogs } from '../logging/safe-url.js';
import { createAgentMetrics } from '../metrics/agent-metrics.js';
import { ImdsAgent, type AgentSettings } from './agent.js';
import { zincatiId } from '../identity/app-specific-id.js';
import type { Clock } from '../clock/clock.js';
import type { ImdsAgentConfig } from './config.js';
import { ImdsClient } from './imds-client.js';
import { fleetLockPort } from './lock-port.js';
import { nodeIdFromFile } from './node-id.js';
import { bump, newStats } from './stats.js';

export interface CreateImdsAgentOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Skip --machine-id-file and use this machine-id (a simulated fleet in one process). */
  readonly machineId?: string;
  /** Backoff between IMDS retries; defaults 500 ms .. 5 s. */
  readonly imdsBackoffMs?: { readonly min: number; readonly max: number };
  /** Serve GET /metrics at --metrics-listen (the command does; in-process fleets and most tests do not). */
  readonly serveMetrics?: boolean;
}

export interface RunningImdsAgent {
  readonly agent: ImdsAgent;
  /** The FleetLock id this agent sends. */
  readonly id: string;
  /** Where GET /metrics is served, when it is. */
  readonly metricsUrl: string | undefined;
  /** Stops the loop and closes connections. */
  close(): Promise<void>;
}

/** Builds the agent without starting it: call `agent.start()` (a loop) or `agent.tick()` (one poll). */
export async function createImdsAgent(config: ImdsAgentConfig, opts: CreateImdsAgentOptions = {}): Promise<RunningImdsAgent> {
  const id = opts.machineId !== undefined ? zincatiId(opts.machineId) : (await nodeIdFromFile(config.machineIdFile)).id;
  const log = (opts.logger ?? createLogger({ level: config.logLevel })).child({ component: 'imds-agent' });
  const stats = newStats();
  const imds = new ImdsClient({
    baseUrl: config.imdsUrl,
    firstCallTimeoutMs: config.imdsFirstCallTimeout,
    requestTimeoutMs: config.imdsTimeout,
    retryBudgetMs: config.imdsRetryBudget,
    backoffMinMs: opts.imdsBackoffMs?.min,
    backoffMaxMs: opts.imdsBackoffMs?.max,
    onFailedAttempt: (err, attempt) => {
      bump(stats.imdsErrors, err.label);
      log.debug({ err: err.message, code: err.code, attempt, retryable: err.retryable }, 'IMDS request failed');
    },
  });
  const lock = fleetLockPort({ baseUrl: config.server, id, timeoutMs: config.serverTimeout, ...(config.sourceAddress ? { sourceAddress: config.sourceAddress } : {}) });
  const settings: AgentSettings = {
    group: config.group,
    urgentGroup: config.urgentGroup,
    policy: config.policy,
    pollIntervalMs: config.pollInterval,
    retryIntervalMs: config.retryInterval,
    approve: config.approve,
    approveShared: config.approveShared,
  };
  const agent = new ImdsAgent({ imds, lock, settings, log, stats, ...(opts.clock ? { clock: opts.clock } : {}) });
  log.info({ id, server: urlForLogs(config.server), group: config.group, urgentGroup: config.urgentGroup, imdsUrl: imds.baseUrl, approve: config.approve }, 'IMDS scheduled-events agent configured');
  const listen = opts.serveMetrics ? config.metricsListen : undefined;
  const metrics = listen ? await startMetricsServer({ source: createAgentMetrics(stats), ...listen, logger: log }) : undefined;
  if (metrics) log.info({ url: metrics.url }, 'serving Prometheus metrics');
  let closed: Promise<void> | undefined;
  return {
    agent,
    id,
    metricsUrl: metrics?.url,
    // Idempotent: a signal handler and a test teardown may both close.
    close() {
      closed ??= agent.stop().then(async () => {
        await Promise.all([imds.close(), lock.close(), metrics?.close()]);
      });
      return closed;
    },
  };
}
