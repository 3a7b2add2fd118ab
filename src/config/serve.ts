import { hostname } from 'node:os';
import { isGroupName } from '../fleetlock/group.js';
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

export const serveOptions = {
  kubeconfig: option({ name: 'kubeconfig', env: 'KUBECONFIG', default: undefined, help: 'Kubeconfig file. Unset: ~/.kube/config, else the in-cluster service account.', parse: text }),
  listen: option({ name: 'listen', env: 'REBOOT_MANAGER_LISTEN', default: '0.0.0.0:8080', help: 'Address the FleetLock HTTP server listens on.', parse: listenAddress }),
  namespace: option({ name: 'namespace', env: 'REBOOT_MANAGER_NAMESPACE', default: (env) => env.POD_NAMESPACE || 'reboot-manager', help: 'Namespace of the leader Lease (default: the pod namespace). Events about Nodes go to default, where Kubernetes keeps them.', parse: text }),
  identity: option({ name: 'identity', env: 'REBOOT_MANAGER_IDENTITY', default: (env) => env.POD_NAME || hostname(), help: 'This replica\'s leader-election identity (default: the pod name); keep it stable across restarts.', parse: text }),
  maxRebooting: option({ name: 'max-rebooting', env: 'REBOOT_MANAGER_MAX_REBOOTING', default: '1', help: 'Cluster-wide cap: most nodes holding a reboot slot at once, across all groups.', parse: wholeNumber(0, 100_000) }),
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
  staleAfter: option({ name: 'stale-after', env: 'REBOOT_MANAGER_STALE_AFTER', default: '1h', help: 'A node holding its slot longer than this is reported (Warning Event StaleHolder, log, metric reboot_manager_stale_holders).', parse: duration }),
  resyncInterval: option({ name: 'resync-interval', env: 'REBOOT_MANAGER_RESYNC_INTERVAL', default: '30s', help: 'How often the leader re-checks every holder (release, drain resume, stale report) besides reacting to the node watch.', parse: duration }),
  maxConnections: option({ name: 'max-connections', env: 'REBOOT_MANAGER_MAX_CONNECTIONS', default: '2000', help: 'Open HTTP connections at most; more are closed as they arrive (a FleetLock client holds one for a second or two).', parse: wholeNumber(1, 1_000_000) }),
  logLevel: option({ name: 'log-level', env: 'REBOOT_MANAGER_LOG_LEVEL', default: 'info', help: 'trace, debug, info, warn or error.', parse: oneOf('trace', 'debug', 'info', 'warn', 'error') }),
};

export type ServeOptions = Parsed<typeof serveOptions>;

export interface ServeConfig extends ServeOptions {
  /** Renewal timing derived from the lease duration, in the ratios client-go uses (15s/10s/2s). */
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

export function parseServeConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ServeConfig {
  const o = parseOptions(serveOptions, argv, env);
  if (o.evictionRetryMin <= 0 || o.evictionRetryMax < o.evictionRetryMin) throw new ConfigError('invalid --eviction-retry-min/--eviction-retry-max: need 0 < min <= max');
  if (o.leaseDuration < 1000) throw new ConfigError(`invalid --lease-duration: must be at least 1s`);
  for (const [group, slots] of o.groupSlots) {
    if (slots > o.maxRebooting) {
      throw new ConfigError(`invalid --group-slots: group ${group} has ${slots} slots but --max-rebooting is ${o.maxRebooting}; raise --max-rebooting`);
    }
  }
  return { ...o, renewDeadlineMs: Math.round(o.leaseDuration * (2 / 3)), retryPeriodMs: Math.max(100, Math.round(o.leaseDuration * (2 / 15))) };
}
