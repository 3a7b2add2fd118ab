// Options of `reboot-manager imds-agent`: flags, environment variables, defaults, validation, help.
import { isIP } from 'node:net';
import { isGroupName } from '../fleetlock/group.js';
import { ConfigError, boolean, duration, httpUrl, listenAddress, oneOf, option, parseOptions, text, type Parsed } from '../config/options.js';
import { DEFAULT_POLICY, type DecisionPolicy } from './decide.js';
import { DEFAULT_IMDS_URL } from './imds-endpoints.js';
import { KNOWN_EVENT_TYPES, isKnownEventType } from './scheduled-events.js';

/** IMDS allows about 5 requests per second per VM. */
export const MIN_POLL_INTERVAL_MS = 200;

function fleetLockGroup(raw: string): string {
  if (!isGroupName(raw)) throw new Error('a FleetLock group may contain only letters, digits, "." and "-"');
  return raw;
}

function imdsUrl(raw: string): string {
  // IMDS is plain http on a link-local address; https would never connect.
  if (!raw.startsWith('http://')) throw new Error('must be an http:// URL');
  return httpUrl(raw);
}

function eventTypes(raw: string): ReadonlySet<string> {
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!isKnownEventType(n)) throw new Error(`unknown event type "${n}" (known: ${KNOWN_EVENT_TYPES.join(', ')})`);
  return new Set(names);
}

function atLeast(minMs: number, parse: (raw: string) => number) {
  return (raw: string): number => {
    const ms = parse(raw);
    if (ms < minMs) throw new Error(`must be at least ${minMs} ms`);
    return ms;
  };
}

const list = (s: ReadonlySet<string>): string => [...s].join(',');

/** A listen address, or undefined for `` / `off` (metrics not served). */
function optionalListen(raw: string): { host: string; port: number } | undefined {
  return raw.trim() === '' || raw.trim() === 'off' ? undefined : listenAddress(raw);
}

function ipAddress(raw: string): string {
  if (isIP(raw.trim()) === 0) throw new Error('not an IP address');
  return raw.trim();
}

export const imdsAgentOptions = {
  server: option({ name: 'server', env: 'REBOOT_MANAGER_SERVER', default: undefined, help: 'FleetLock base URL of the reboot-manager server (required), e.g. http://reboot-manager.reboot-manager.svc/.', parse: httpUrl }),
  // Not Zincati's `default`: the server releases a slot only on a steady-state in the group that took it,
  // so the agent's own group keeps it from ending a slot Zincati holds on the same node (and vice versa).
  group: option({ name: 'group', env: 'REBOOT_MANAGER_GROUP', default: 'azure', help: "FleetLock group for ordinary events (Reboot, Redeploy, long Freeze). Kept apart from Zincati's group so neither gives back the other's slot; all groups share the server's --max-rebooting.", parse: fleetLockGroup }),
  urgentGroup: option({ name: 'urgent-group', env: 'REBOOT_MANAGER_URGENT_GROUP', default: 'azure-urgent', help: 'FleetLock group for urgent events (--urgent-types); must be one of the server\'s --urgent-groups (default azure-urgent), which drains it even when the budget is full.', parse: fleetLockGroup }),
  machineIdFile: option({ name: 'machine-id-file', env: 'REBOOT_MANAGER_MACHINE_ID_FILE', default: '/etc/machine-id', help: "The host's machine-id (mount it read-only); the node id sent is Zincati's app-specific id derived from it.", parse: text }),
  imdsUrl: option({ name: 'imds-url', env: 'REBOOT_MANAGER_IMDS_URL', default: DEFAULT_IMDS_URL, help: 'Instance Metadata Service base URL (a path prefix is kept). Never reached through a proxy.', parse: imdsUrl }),
  pollInterval: option({ name: 'poll-interval', env: 'REBOOT_MANAGER_POLL_INTERVAL', default: '1s', help: `How often scheduled events are read (at least ${MIN_POLL_INTERVAL_MS}ms: IMDS allows about 5 requests/s).`, parse: atLeast(MIN_POLL_INTERVAL_MS, duration) }),
  retryInterval: option({ name: 'retry-interval', env: 'REBOOT_MANAGER_RETRY_INTERVAL', default: '5s', help: 'How often a refused pre-reboot or a failed steady-state is sent again.', parse: atLeast(100, duration) }),
  impactfulTypes: option({ name: 'impactful-types', env: 'REBOOT_MANAGER_IMPACTFUL_TYPES', default: list(DEFAULT_POLICY.impactfulTypes), help: 'Event types that always need a drain (comma-separated). Freeze is governed by --freeze-threshold unless listed.', parse: eventTypes }),
  urgentTypes: option({ name: 'urgent-types', env: 'REBOOT_MANAGER_URGENT_TYPES', default: list(DEFAULT_POLICY.urgentTypes), help: 'Event types asked for in --urgent-group when impactful (they give as little as 30 s).', parse: eventTypes }),
  freezeThreshold: option({ name: 'freeze-threshold', env: 'REBOOT_MANAGER_FREEZE_THRESHOLD', default: `${DEFAULT_POLICY.freezeThresholdSeconds}s`, help: 'A Freeze this long or longer (or of unknown length) needs a drain; shorter ones are ignored.', parse: duration }),
  approve: option({ name: 'approve', env: 'REBOOT_MANAGER_APPROVE', default: 'false', boolean: true, help: 'Approve an event early (StartRequests) once the server has granted the slot, instead of waiting for NotBefore.', parse: boolean }),
  approveShared: option({ name: 'approve-shared', env: 'REBOOT_MANAGER_APPROVE_SHARED', default: 'false', boolean: true, help: 'With --approve, also approve events that list other VMs: the approval starts the event for all of them.', parse: boolean }),
  sourceAddress: option({ name: 'source-address', env: 'REBOOT_MANAGER_SOURCE_ADDRESS', default: undefined, help: 'Local IP address FleetLock requests are sent from (default: the system\'s choice). The server honours a request for this node only from the node\'s own addresses or this agent\'s pod IP; with hostNetwork on a host with several addresses, set it to the node\'s InternalIP (the Downward API\'s status.hostIP).', parse: ipAddress }),
  serverTimeout: option({ name: 'server-timeout', env: 'REBOOT_MANAGER_SERVER_TIMEOUT', default: '30s', help: 'Timeout of one FleetLock request.', parse: atLeast(100, duration) }),
  imdsTimeout: option({ name: 'imds-timeout', env: 'REBOOT_MANAGER_IMDS_TIMEOUT', default: '10s', help: 'Timeout of one IMDS request once scheduled events have answered.', parse: atLeast(100, duration) }),
  imdsFirstCallTimeout: option({ name: 'imds-first-call-timeout', env: 'REBOOT_MANAGER_IMDS_FIRST_CALL_TIMEOUT', default: '150s', help: 'Timeout until scheduled events first answer: the first call switches the feature on and can take 2 minutes.', parse: atLeast(100, duration) }),
  imdsRetryBudget: option({ name: 'imds-retry-budget', env: 'REBOOT_MANAGER_IMDS_RETRY_BUDGET', default: '70s', help: 'How long one IMDS call retries 410, 429, 5xx and timeouts (with backoff) before the poll counts as failed.', parse: duration }),
  metricsListen: option({ name: 'metrics-listen', env: 'REBOOT_MANAGER_METRICS_LISTEN', default: ':9102', help: 'Address serving Prometheus metrics at GET /metrics; "off" (or --metrics-listen=) disables it.', parse: optionalListen }),
  logLevel: option({ name: 'log-level', env: 'REBOOT_MANAGER_LOG_LEVEL', default: 'info', help: 'trace, debug, info, warn or error.', parse: oneOf('trace', 'debug', 'info', 'warn', 'error') }),
};

type Options = Parsed<typeof imdsAgentOptions>;

export interface ImdsAgentConfig extends Omit<Options, 'server' | 'impactfulTypes' | 'urgentTypes' | 'freezeThreshold'> {
  readonly server: string;
  readonly policy: DecisionPolicy;
}

/** Throws ConfigError naming the option. */
export function parseImdsAgentConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ImdsAgentConfig {
  const { server, impactfulTypes, urgentTypes, freezeThreshold, ...rest } = parseOptions(imdsAgentOptions, argv, env);
  if (server === undefined) throw new ConfigError('--server (REBOOT_MANAGER_SERVER) is required: the FleetLock base URL of the reboot-manager server');
  if (rest.approveShared && !rest.approve) throw new ConfigError('--approve-shared needs --approve');
  return { ...rest, server, policy: { impactfulTypes, urgentTypes, freezeThresholdSeconds: freezeThreshold / 1000 } };
}
