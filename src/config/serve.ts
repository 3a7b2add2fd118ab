import { hostname } from 'node:os';
import { isGroupName } from '../fleetlock/group.js';
import { parseAddressRange } from '../identity/address.js';
import type { NotifyConfig } from '../notify/start.js';
import { loadNotifyConfig } from './notify.js';
import { ConfigError, boolean, duration, listenAddress, oneOf, option, parseOptions, positiveNumber, text, wholeNumber, type Parsed } from './options.js';


/** `default=1,workers=3`: reboot slots per FleetLock group. */
export function groupSlots(raw: string): ReadonlyMap<string, number> {
  const out = new Map<string, number>();
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [group, count, extra] = part.split('=');
    if (!group || !isGroupName(group) || count === undefined || extra !== undefined || !/^\d+$/.test(count)) {
      throw new Error(`"${part}" is not GROUP=COUNT (group: letters, digits, dots, dashes)`);
    }
    out.set(group, Number(count));
  }
  return out;
}

/** `namespace/name` of a pod. */
export function podRef(raw: string): { namespace: string; name: string } {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/.exec(raw.trim());
  if (!m?.[1] || !m[3]) throw new Error('not NAMESPACE/NAME');
  return { namespace: m[1], name: m[3] };
}

/** This pod as the Downward API names it (POD_NAMESPACE, POD_NAME), in the environment given to the parse. */
const ownPodDefault = (env: NodeJS.ProcessEnv): string | undefined => (env.POD_NAMESPACE && env.POD_NAME ? `${env.POD_NAMESPACE}/${env.POD_NAME}` : undefined);

/** `a,b.c`: FleetLock group names. */
export function groupList(raw: string): ReadonlySet<string> {
  const groups = raw.split(',').map((g) => g.trim()).filter(Boolean);
  for (const g of groups) if (!isGroupName(g)) throw new Error(`"${g}" is not a FleetLock group (letters, digits, dots, dashes)`);
  return new Set(groups);
}

/** `10.0.0.0/8,192.168.1.7`: trusted proxy addresses and ranges. */
export function addressRanges(raw: string): readonly string[] {
  return raw.split(',').map((p) => p.trim()).filter(Boolean).map(parseAddressRange);
}

/** `NAMESPACE/LABEL-SELECTOR` of the imds-agent pods, or empty for none. */
export function agentPodsRef(raw: string): { namespace: string; labelSelector: string } | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  const slash = text.indexOf('/');
  const namespace = text.slice(0, slash);
  const labelSelector = text.slice(slash + 1).trim();
  if (slash <= 0 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace) || labelSelector === '') throw new Error('not NAMESPACE/LABEL-SELECTOR, e.g. reboot-manager/app.kubernetes.io/name=reboot-manager-imds-agent');
  return { namespace, labelSelector };
}

const agentPodsDefault = (env: NodeJS.ProcessEnv): string => `${env.POD_NAMESPACE || 'reboot-manager'}/app.kubernetes.io/name=reboot-manager-imds-agent`;

export const serveOptions = {
  kubeconfig: option({ name: 'kubeconfig', env: 'KUBECONFIG', default: undefined, help: 'Kubeconfig file. Unset: ~/.kube/config, else the in-cluster service account.', parse: text }),
  listen: option({ name: 'listen', env: 'REBOOT_MANAGER_LISTEN', default: '0.0.0.0:8080', help: 'The public FleetLock port (the one the LoadBalancer exposes): POST <base>/v1/pre-reboot and /v1/steady-state, nothing else.', parse: listenAddress }),
  tlsCertFile: option({ name: 'tls-cert-file', env: 'REBOOT_MANAGER_TLS_CERT_FILE', default: undefined, help: 'PEM certificate (the leaf, then any intermediates): the FleetLock port serves HTTPS. Re-read when it changes (a Secret volume, cert-manager). Needs --tls-key-file.', parse: text }),
  tlsKeyFile: option({ name: 'tls-key-file', env: 'REBOOT_MANAGER_TLS_KEY_FILE', default: undefined, help: 'PEM private key of --tls-cert-file, re-read with it.', parse: text }),
  internalListen: option({ name: 'internal-listen', env: 'REBOOT_MANAGER_INTERNAL_LISTEN', default: '0.0.0.0:8081', help: 'The internal port: status page, /api/v1/status, /metrics, /healthz, /readyz. Keep it off the LoadBalancer.', parse: listenAddress }),
  callerCheck: option({ name: 'caller-check', env: 'REBOOT_MANAGER_CALLER_CHECK', default: 'node', help: '"node": a FleetLock request for node X is honoured only from one of X\'s status.addresses or from the imds-agent pod on X (others are refused "forbidden"). "off": anyone who reaches the port may drain any node (logged as a warning at start).', parse: oneOf('node', 'off') }),
  trustedProxies: option({ name: 'trusted-proxies', env: 'REBOOT_MANAGER_TRUSTED_PROXIES', default: '', help: 'Proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For header names the real client, for load balancers that do not keep client addresses. Empty: the TCP peer is the client.', parse: addressRanges }),
  agentPods: option({ name: 'agent-pods', env: 'REBOOT_MANAGER_AGENT_PODS', default: agentPodsDefault, help: 'NAMESPACE/LABEL-SELECTOR of the imds-agent DaemonSet\'s pods, whose pod IPs may speak for the node each runs on (watched). Empty: none.', parse: agentPodsRef }),
  namespace: option({ name: 'namespace', env: 'REBOOT_MANAGER_NAMESPACE', default: (env) => env.POD_NAMESPACE || 'reboot-manager', help: 'Namespace of the leader Lease (default: the pod namespace). Events about Nodes go to default, where Kubernetes keeps them.', parse: text }),
  identity: option({ name: 'identity', env: 'REBOOT_MANAGER_IDENTITY', default: (env) => env.POD_NAME || hostname(), help: 'This replica\'s leader-election identity (default: the pod name); keep it stable across restarts.', parse: text }),
  maxRebooting: option({ name: 'max-rebooting', env: 'REBOOT_MANAGER_MAX_REBOOTING', default: '1', help: 'Cluster-wide cap: most nodes holding a reboot slot at once, across all groups.', parse: wholeNumber(0, 100_000) }),
  countUnavailable: option({ name: 'count-unavailable', env: 'REBOOT_MANAGER_COUNT_UNAVAILABLE', default: 'false', boolean: true, help: 'With no RebootPolicy: nodes already unavailable (NotReady, or cordoned by someone else) count against --max-rebooting. A RebootPolicy says it with spec.countUnavailable (default true there).', parse: boolean }),
  slotsPerGroup: option({ name: 'slots-per-group', env: 'REBOOT_MANAGER_SLOTS_PER_GROUP', default: '1', help: 'Reboot slots of a FleetLock group not named in --group-slots.', parse: wholeNumber(0, 100_000) }),
  groupSlots: option({ name: 'group-slots', env: 'REBOOT_MANAGER_GROUP_SLOTS', default: '', help: 'Slots for named groups, e.g. "default=1,workers=3" (still bounded by --max-rebooting).', parse: groupSlots }),
  urgentGroups: option({ name: 'urgent-groups', env: 'REBOOT_MANAGER_URGENT_GROUPS', default: 'azure-urgent', help: 'Groups drained even when the budget is full, because their nodes go away regardless (the Azure agent asks in azure-urgent for Preempt and Terminate). Empty: none.', parse: groupList }),
  leaderElect: option({ name: 'leader-elect', env: 'REBOOT_MANAGER_LEADER_ELECT', default: 'true', boolean: true, help: 'Elect one active replica through a Lease (required with more than one replica).', parse: boolean }),
  leaseName: option({ name: 'lease-name', env: 'REBOOT_MANAGER_LEASE_NAME', default: 'reboot-manager', help: 'Name of the leader-election Lease.', parse: text }),
  leaseDuration: option({ name: 'lease-duration', env: 'REBOOT_MANAGER_LEASE_DURATION', default: '15s', help: 'How long a leader that stops renewing keeps the Lease; followers take over after it.', parse: duration }),
  drainUnmanagedPods: option({ name: 'drain-unmanaged-pods', env: 'REBOOT_MANAGER_DRAIN_UNMANAGED_PODS', default: 'block', help: 'Pods with no controller: "block" waits for an operator to remove them (kubectl drain without --force), "evict" evicts them and they are not recreated (--force).', parse: oneOf('block', 'evict') }),
  drainConcurrency: option({ name: 'drain-concurrency', env: 'REBOOT_MANAGER_DRAIN_CONCURRENCY', default: '10', help: 'Most eviction (or deletion) calls in flight at once.', parse: wholeNumber(1, 1000) }),
  evictionRate: option({ name: 'eviction-rate', env: 'REBOOT_MANAGER_EVICTION_RATE', default: '50', help: 'Eviction (or deletion) calls per second at most, retries included (a token bucket of that size); kubectl drain has no limit at all.', parse: positiveNumber }),
  drainTimeout: option({ name: 'drain-timeout', env: 'REBOOT_MANAGER_DRAIN_TIMEOUT', default: '30m', help: 'How long after the claim a drain may run before --drain-timeout-policy applies; 0 never times out.', parse: duration }),
  drainTimeoutPolicy: option({ name: 'drain-timeout-policy', env: 'REBOOT_MANAGER_DRAIN_TIMEOUT_POLICY', default: 'refuse', help: 'After --drain-timeout: "refuse" keeps evicting and refusing the reboot, "delete" deletes the remaining pods bypassing PodDisruptionBudgets, "grant" lets the node reboot with them.', parse: oneOf('refuse', 'delete', 'grant') }),
  evictionRetryMin: option({ name: 'eviction-retry-min', env: 'REBOOT_MANAGER_EVICTION_RETRY_MIN', default: '1s', help: 'First backoff after a PodDisruptionBudget refusal or an API failure (doubles up to --eviction-retry-max; Retry-After is honoured on top).', parse: duration }),
  evictionRetryMax: option({ name: 'eviction-retry-max', env: 'REBOOT_MANAGER_EVICTION_RETRY_MAX', default: '10s', help: 'Longest backoff between eviction attempts on one pod.', parse: duration }),
  evictionBlockedRetry: option({ name: 'eviction-blocked-retry', env: 'REBOOT_MANAGER_EVICTION_BLOCKED_RETRY', default: '1m', help: 'Pause before asking again about a pod retrying cannot help: matched by several PodDisruptionBudgets, or eviction forbidden.', parse: duration }),
  drainProgressInterval: option({ name: 'drain-progress-interval', env: 'REBOOT_MANAGER_DRAIN_PROGRESS_INTERVAL', default: '5s', help: 'Least time between two writes of the rebootmanager/drain progress annotation on a Node.', parse: duration }),
  ownPod: option({ name: 'own-pod', env: 'REBOOT_MANAGER_OWN_POD', default: ownPodDefault, help: 'This server\'s pod as NAMESPACE/NAME, evicted last when its node drains (default: POD_NAMESPACE/POD_NAME).', parse: podRef }),
  settleTime: option({ name: 'settle-time', env: 'REBOOT_MANAGER_SETTLE_TIME', default: '0', help: 'After a node\'s slot is released, wait this long before any other node may claim one (let rescheduled pods settle); 0: no wait.', parse: duration }),
  healthGate: option({ name: 'health-gate', env: 'REBOOT_MANAGER_HEALTH_GATE', default: 'true', boolean: true, help: 'Before the next claim in a scope, wait until the workloads the last drain there disturbed are whole again and the released node has been Ready for --health-gate-node-ready. A RebootPolicy\'s spec.healthGate overrides it field by field.', parse: boolean }),
  healthGateTimeout: option({ name: 'health-gate-timeout', env: 'REBOOT_MANAGER_HEALTH_GATE_TIMEOUT', default: '10m', help: 'How long the health gate waits for one release before --health-gate-on-timeout applies (10m: a Deployment\'s default progressDeadlineSeconds).', parse: duration }),
  healthGateNodeReady: option({ name: 'health-gate-node-ready', env: 'REBOOT_MANAGER_HEALTH_GATE_NODE_READY', default: '60s', help: 'How long a released node must have been Ready before the next claim in its scope.', parse: duration }),
  healthGateOnTimeout: option({ name: 'health-gate-on-timeout', env: 'REBOOT_MANAGER_HEALTH_GATE_ON_TIMEOUT', default: 'proceed', help: 'After --health-gate-timeout: "proceed" lets claims go on (Warning Event HealthGateTimeout), "block" keeps refusing until an operator acts.', parse: oneOf('proceed', 'block') }),
  staleAfter: option({ name: 'stale-after', env: 'REBOOT_MANAGER_STALE_AFTER', default: '1h', help: 'A node holding its slot longer than this is reported (Warning Event StaleHolder, log, metric reboot_manager_stale_holders).', parse: duration }),
  resyncInterval: option({ name: 'resync-interval', env: 'REBOOT_MANAGER_RESYNC_INTERVAL', default: '30s', help: 'How often the leader re-checks every holder (release, drain resume, stale report) besides reacting to the node watch.', parse: duration }),
  maxConnections: option({ name: 'max-connections', env: 'REBOOT_MANAGER_MAX_CONNECTIONS', default: '2000', help: 'Open HTTP connections at most; more are closed as they arrive (a FleetLock client holds one for a second or two).', parse: wholeNumber(1, 1_000_000) }),
  notifyConfig: option({ name: 'notify-config', env: 'REBOOT_MANAGER_NOTIFY_CONFIG', default: undefined, help: 'YAML file of webhook receivers notified on claim, grant, release, and drains or reboots blocked too long (see README "Notifications"). Unset: no notifications.', parse: text }),
  logLevel: option({ name: 'log-level', env: 'REBOOT_MANAGER_LOG_LEVEL', default: 'info', help: 'trace, debug, info, warn or error.', parse: oneOf('trace', 'debug', 'info', 'warn', 'error') }),
};

export type ServeOptions = Parsed<typeof serveOptions>;

export interface ServeConfig extends ServeOptions {
  /** Renewal timing derived from the lease duration, in the ratios client-go uses (15s/10s/2s). */
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  /** Both TLS files, or none: HTTPS on the FleetLock port. */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  /** The receivers of --notify-config, read and validated at start-up. */
  readonly notify: NotifyConfig | undefined;
}

export function parseServeConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ServeConfig {
  const o = parseOptions(serveOptions, argv, env);
  if (o.evictionRetryMin <= 0 || o.evictionRetryMax < o.evictionRetryMin) throw new ConfigError('invalid --eviction-retry-min/--eviction-retry-max: need 0 < min <= max');
  if (o.listen.port !== 0 && o.listen.port === o.internalListen.port && o.listen.host === o.internalListen.host) {
    throw new ConfigError('invalid --internal-listen: it must differ from --listen (the internal routes must not be on the public port)');
  }
  if (o.healthGateTimeout < 1000) throw new ConfigError('invalid --health-gate-timeout: must be at least 1s');
  if (o.leaseDuration < 1000) throw new ConfigError(`invalid --lease-duration: must be at least 1s`);
  for (const [group, slots] of o.groupSlots) {
    if (slots > o.maxRebooting) {
      throw new ConfigError(`invalid --group-slots: group ${group} has ${slots} slots but --max-rebooting is ${o.maxRebooting}; raise --max-rebooting`);
    }
  }
  if ((o.tlsCertFile === undefined) !== (o.tlsKeyFile === undefined)) {
    throw new ConfigError('invalid TLS configuration: give both --tls-cert-file (REBOOT_MANAGER_TLS_CERT_FILE) and --tls-key-file (REBOOT_MANAGER_TLS_KEY_FILE), or neither');
  }
  const tls = o.tlsCertFile !== undefined && o.tlsKeyFile !== undefined ? { certFile: o.tlsCertFile, keyFile: o.tlsKeyFile } : undefined;
  const notify = o.notifyConfig === undefined ? undefined : loadNotifyConfig(o.notifyConfig, env);
  return { ...o, tls, notify, renewDeadlineMs: Math.round(o.leaseDuration * (2 / 3)), retryPeriodMs: Math.max(100, Math.round(o.leaseDuration * (2 / 15))) };
}
