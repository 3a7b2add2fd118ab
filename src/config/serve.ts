import { hostname } from 'node:os';
import { ConfigError, boolean, duration, listenAddress, oneOf, option, parseOptions, text, wholeNumber, type Parsed } from './options.js';

const GROUP = /^[a-zA-Z0-9.-]+$/;

/** `default=1,workers=3`: reboot slots per FleetLock group. */
export function groupSlots(raw: string): ReadonlyMap<string, number> {
  const out = new Map<string, number>();
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [group, count, extra] = part.split('=');
    if (!group || !GROUP.test(group) || count === undefined || extra !== undefined || !/^\d+$/.test(count)) {
      throw new Error(`"${part}" is not GROUP=COUNT (group: letters, digits, dots, dashes)`);
    }
    out.set(group, Number(count));
  }
  return out;
}

export const serveOptions = {
  kubeconfig: option({ name: 'kubeconfig', env: 'KUBECONFIG', default: undefined, help: 'Kubeconfig file. Unset: ~/.kube/config, else the in-cluster service account.', parse: text }),
  listen: option({ name: 'listen', env: 'REBOOT_MANAGER_LISTEN', default: '0.0.0.0:8080', help: 'Address the FleetLock HTTP server listens on.', parse: listenAddress }),
  namespace: option({ name: 'namespace', env: 'REBOOT_MANAGER_NAMESPACE', default: process.env.POD_NAMESPACE ?? 'reboot-manager', help: 'Namespace of the leader Lease and of the Events it records (default: the pod namespace).', parse: text }),
  identity: option({ name: 'identity', env: 'REBOOT_MANAGER_IDENTITY', default: process.env.POD_NAME ?? hostname(), help: 'This replica\'s leader-election identity (default: the pod name); keep it stable across restarts.', parse: text }),
  maxRebooting: option({ name: 'max-rebooting', env: 'REBOOT_MANAGER_MAX_REBOOTING', default: '1', help: 'Cluster-wide cap: most nodes holding a reboot slot at once, across all groups.', parse: wholeNumber(0, 100_000) }),
  slotsPerGroup: option({ name: 'slots-per-group', env: 'REBOOT_MANAGER_SLOTS_PER_GROUP', default: '1', help: 'Reboot slots of a FleetLock group not named in --group-slots.', parse: wholeNumber(0, 100_000) }),
  groupSlots: option({ name: 'group-slots', env: 'REBOOT_MANAGER_GROUP_SLOTS', default: '', help: 'Slots for named groups, e.g. "default=1,workers=3" (still bounded by --max-rebooting).', parse: groupSlots }),
  leaderElect: option({ name: 'leader-elect', env: 'REBOOT_MANAGER_LEADER_ELECT', default: 'true', boolean: true, help: 'Elect one active replica through a Lease (required with more than one replica).', parse: boolean }),
  leaseName: option({ name: 'lease-name', env: 'REBOOT_MANAGER_LEASE_NAME', default: 'reboot-manager', help: 'Name of the leader-election Lease.', parse: text }),
  leaseDuration: option({ name: 'lease-duration', env: 'REBOOT_MANAGER_LEASE_DURATION', default: '15s', help: 'How long a leader that stops renewing keeps the Lease; followers take over after it.', parse: duration }),
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
  if (o.leaseDuration < 1000) throw new ConfigError(`invalid --lease-duration: must be at least 1s`);
  for (const [group, slots] of o.groupSlots) {
    if (slots > o.maxRebooting) {
      throw new ConfigError(`invalid --group-slots: group ${group} has ${slots} slots but --max-rebooting is ${o.maxRebooting}; raise --max-rebooting`);
    }
  }
  return { ...o, renewDeadlineMs: Math.round(o.leaseDuration * (2 / 3)), retryPeriodMs: Math.max(100, Math.round(o.leaseDuration * (2 / 15))) };
}
