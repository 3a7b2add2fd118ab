// Plain counters the agent keeps; its metrics endpoint reads them at scrape time.

export interface AgentStats {
  /** Scheduled-events documents read successfully. */
  polls: number;
  /** Failed IMDS attempts by label (`http_410`, `http_429`, `http_500`, `timeout`, `network`, `malformed`), retried ones included. */
  imdsErrors: Record<string, number>;
  /** Polls (or compute reads) that failed for good after the client's retries, by the same labels. */
  pollFailures: Record<string, number>;
  /** Events naming this VM, by EventType, each counted once. */
  eventsSeen: Record<string, number>;
  preRebootRequests: number;
  grants: number;
  /** Refused or failed FleetLock requests by `kind` (`slots_full`, `draining`, `network`, ...). */
  lockRefusals: Record<string, number>;
  steadyStateRequests: number;
  steadyStateDone: number;
  approvals: number;
  approvalFailures: number;
  /** From first seeing an event to its approval being accepted. */
  approvalLatencyMs: { count: number; sum: number; max: number };
  /** Each approval's latency until the metrics histogram takes it (bounded: nobody may be scraping). */
  unobservedApprovalLatenciesMs: number[];
}

const MAX_UNOBSERVED = 1000;

export function newStats(): AgentStats {
  return {
    polls: 0,
    imdsErrors: {},
    pollFailures: {},
    eventsSeen: {},
    preRebootRequests: 0,
    grants: 0,
    lockRefusals: {},
    steadyStateRequests: 0,
    steadyStateDone: 0,
    approvals: 0,
    approvalFailures: 0,
    approvalLatencyMs: { count: 0, sum: 0, max: 0 },
    unobservedApprovalLatenciesMs: [],
  };
}

export function bump(counters: Record<string, number>, key: string): void {
  counters[key] = (counters[key] ?? 0) + 1;
}

export function recordApproval(stats: AgentStats, latencyMs: number): void {
  const l = stats.approvalLatencyMs;
  stats.approvals++;
  l.count++;
  l.sum += latencyMs;
  l.max = Math.max(l.max, latencyMs);
  if (stats.unobservedApprovalLatenciesMs.push(latencyMs) > MAX_UNOBSERVED) stats.unobservedApprovalLatenciesMs.shift();
}
