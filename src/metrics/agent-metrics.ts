// The imds-agent's Prometheus metrics, read from its AgentStats at scrape time (the agent loop only bumps counters).
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AgentStats } from '../agent/stats.js';
import { KNOWN_EVENT_TYPES } from '../agent/scheduled-events.js';
import { APPROVAL_BUCKETS } from './buckets.js';

const KNOWN_TYPES: ReadonlySet<string> = new Set(KNOWN_EVENT_TYPES);

type Read = (stats: AgentStats) => number;
type ReadByLabel = (stats: AgentStats) => Readonly<Record<string, number>>;

/** A counter whose value is copied from the stats on every scrape. */
function mirrored(registry: Registry, stats: AgentStats, name: string, help: string, read: Read): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read(stats));
    },
  });
}

/** The same for a `label -> count` record; `known` label values always appear (at 0 until they happen). */
function mirroredByLabel(registry: Registry, stats: AgentStats, name: string, help: string, label: string, read: ReadByLabel, known: readonly string[] = []): void {
  new Counter({
    name,
    help,
    labelNames: [label],
    registers: [registry],
    collect() {
      this.reset();
      for (const value of known) this.inc({ [label]: value }, 0);
      for (const [value, n] of Object.entries(read(stats))) this.inc({ [label]: value }, n);
    },
  });
}

/** Event types from IMDS are the platform's strings: anything new is counted as `other`, keeping the label bounded. */
function eventsByType(stats: AgentStats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [type, n] of Object.entries(stats.eventsSeen)) {
    const key = KNOWN_TYPES.has(type) ? type : 'other';
    out[key] = (out[key] ?? 0) + n;
  }
  return out;
}

export function createAgentMetrics(stats: AgentStats): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'reboot_manager_agent_' });
  const p = 'reboot_manager_agent_';
  mirrored(registry, stats, `${p}imds_polls_total`, 'Scheduled-events documents read from IMDS.', (s) => s.polls);
  mirroredByLabel(registry, stats, `${p}imds_errors_total`, 'Failed IMDS attempts, retried ones included, by kind (http_410, http_429, http_5xx codes, timeout, network, malformed).', 'kind', (s) => s.imdsErrors);
  mirroredByLabel(registry, stats, `${p}imds_poll_failures_total`, 'IMDS polls (or compute reads) that failed for good after the retry budget, by kind.', 'kind', (s) => s.pollFailures);
  mirroredByLabel(registry, stats, `${p}events_seen_total`, 'Scheduled events naming this VM, each counted once, by type (other: a type this agent does not know).', 'type', eventsByType, KNOWN_EVENT_TYPES);
  mirroredByLabel(registry, stats, `${p}fleetlock_requests_total`, 'FleetLock requests sent to the server, by endpoint.', 'endpoint', (s) => ({ 'pre-reboot': s.preRebootRequests, 'steady-state': s.steadyStateRequests }));
  mirrored(registry, stats, `${p}grants_total`, 'Pre-reboot requests the server granted (the node was drained).', (s) => s.grants);
  mirrored(registry, stats, `${p}steady_state_accepted_total`, 'Steady-state rounds the server accepted (the slot was given back).', (s) => s.steadyStateDone);
  mirroredByLabel(registry, stats, `${p}refusals_total`, "Refused or failed FleetLock requests, by the server's refusal kind (slots_full, draining, ...) or network.", 'kind', (s) => s.lockRefusals);
  mirrored(registry, stats, `${p}approvals_total`, 'Scheduled events approved early (StartRequests).', (s) => s.approvals);
  mirrored(registry, stats, `${p}approval_failures_total`, 'Early approvals IMDS did not accept (tried again on the next poll).', (s) => s.approvalFailures);
  new Histogram({
    name: `${p}approval_latency_seconds`,
    help: 'From first seeing a scheduled event to its early approval being accepted.',
    buckets: APPROVAL_BUCKETS,
    registers: [registry],
    collect() {
      for (const ms of stats.unobservedApprovalLatenciesMs.splice(0)) this.observe(ms / 1000);
    },
  });
  return registry;
}
