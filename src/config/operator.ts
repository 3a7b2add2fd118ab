import { groupProblem } from '../fleetlock/group.js';
import { ZINCATI_DEFAULT_GROUP } from '../slot/budget.js';
import { PAUSE_BY_MAX_LENGTH, PAUSE_REASON_MAX_LENGTH, characters } from '../policy/policy.js';
import { REQUEST_LIMITS } from '../requests/limits.js';
import { ConfigError, boolean, duration, httpUrl, oneOf, option, parseOptions, text, type Parsed } from './options.js';

/** Options of the operator commands (`status`, `release`), run with the operator's own credentials. */
export const operatorOptions = {
  kubeconfig: option({ name: 'kubeconfig', env: 'KUBECONFIG', default: undefined, help: 'Kubeconfig file. Unset: ~/.kube/config, else the in-cluster service account.', parse: text }),
  output: option({ name: 'output', env: 'REBOOT_MANAGER_OUTPUT', default: 'table', help: 'table or json.', parse: oneOf('table', 'json') }),
};

export type OperatorConfig = Parsed<typeof operatorOptions>;

export function parseOperatorConfig(argv: readonly string[], env: NodeJS.ProcessEnv): OperatorConfig {
  return parseOptions(operatorOptions, argv, env);
}

/** `status` reads the Kubernetes API, or with `--server` the status API of a running reboot-manager. */
export const statusOptions = {
  ...operatorOptions,
  server: option({
    name: 'server',
    env: 'REBOOT_MANAGER_SERVER',
    default: undefined,
    help: 'Read GET /api/v1/status on the internal port of a running reboot-manager at this URL (e.g. http://localhost:8081/ after kubectl port-forward -n reboot-manager deploy/reboot-manager 8081) instead of the Kubernetes API.',
    parse: httpUrl,
  }),
};

export type StatusConfig = Parsed<typeof statusOptions>;

export function parseStatusConfig(argv: readonly string[], env: NodeJS.ProcessEnv): StatusConfig {
  return parseOptions(statusOptions, argv, env);
}

/** `explain` asks the status API of a running reboot-manager: it alone has the caches every rule reads. */
export const explainOptions = {
  server: option({
    name: 'server',
    env: 'REBOOT_MANAGER_SERVER',
    default: undefined,
    help: 'Internal port of a running reboot-manager (required), e.g. http://localhost:8081/ after kubectl port-forward -n reboot-manager deploy/reboot-manager 8081.',
    parse: httpUrl,
  }),
  group: option({ name: 'group', env: 'REBOOT_MANAGER_EXPLAIN_GROUP', default: ZINCATI_DEFAULT_GROUP, help: 'FleetLock group the node would ask in.', parse: fleetLockGroup }),
  output: operatorOptions.output,
};

export function parseExplainConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Parsed<typeof explainOptions> & { server: string } {
  const config = parseOptions(explainOptions, argv, env);
  const { server } = config;
  if (server === undefined) throw new ConfigError('explain asks a running reboot-manager: give --server URL (its internal port, e.g. http://localhost:8081/ after kubectl port-forward -n reboot-manager deploy/reboot-manager 8081)');
  return { ...config, server };
}

function fleetLockGroup(raw: string): string {
  const problem = groupProblem(raw);
  if (problem) throw new Error(`a FleetLock group ${problem}`);
  return raw;
}

/** `pause`: the operator's kubeconfig, why, and who. */
export const pauseOptions = {
  kubeconfig: operatorOptions.kubeconfig,
  reason: option({ name: 'reason', env: 'REBOOT_MANAGER_PAUSE_REASON', default: undefined, help: `Why new reboots are paused (required; one line, at most ${PAUSE_REASON_MAX_LENGTH} characters). Shown in every refusal.`, parse: text }),
  by: option({ name: 'by', env: 'REBOOT_MANAGER_PAUSE_BY', default: undefined, help: `Who pauses (at most ${PAUSE_BY_MAX_LENGTH} characters). Unset: the kubeconfig's current user, else its context.`, parse: text }),
};

export type PauseConfig = Parsed<typeof pauseOptions>;

export function parsePauseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): PauseConfig & { reason: string } {
  const config = parseOptions(pauseOptions, argv, env);
  const { reason } = config;
  if (reason === undefined) throw new ConfigError('pause needs --reason TEXT: say why new reboots stop (it is shown to everyone they stop for)');
  // Checked here, not in the option's parser: its error would echo a value of any length.
  oneLine(reason, 'reason', PAUSE_REASON_MAX_LENGTH);
  if (config.by !== undefined) oneLine(config.by, 'by', PAUSE_BY_MAX_LENGTH);
  return { ...config, reason };
}

/** `resume`: the operator's kubeconfig. */
export const resumeOptions = { kubeconfig: operatorOptions.kubeconfig };

export function parseResumeConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Parsed<typeof resumeOptions> {
  return parseOptions(resumeOptions, argv, env);
}

function oneLine(value: string, flag: string, max: number): void {
  const length = characters(value);
  if (length > max) throw new ConfigError(`--${flag} must be at most ${max} characters, got ${length}`);
  // It ends up in one-line refusals and log lines.
  if (/\p{Cc}/u.test(value)) throw new ConfigError(`--${flag} must be one line without control characters`);
}

/** `maintain NODE`: the request's spec, and whether to wait for its approval. */
export const maintainOptions = {
  kubeconfig: operatorOptions.kubeconfig,
  reason: option({ name: 'reason', env: 'REBOOT_MANAGER_MAINTAIN_REASON', default: undefined, help: `Why the node goes out of service (required; one line, at most ${REQUEST_LIMITS.reason} characters). Shown on the status page and in Events.`, parse: text }),
  noDrain: option({ name: 'no-drain', env: 'REBOOT_MANAGER_MAINTAIN_NO_DRAIN', default: 'false', boolean: true, help: 'Approve without cordoning or draining the node.', parse: boolean }),
  group: option({ name: 'group', env: 'REBOOT_MANAGER_MAINTAIN_GROUP', default: ZINCATI_DEFAULT_GROUP, help: "The budget group, as a FleetLock group: default shares the budget of Zincati's reboots.", parse: fleetLockGroup }),
  startWithin: option({ name: 'start-within', env: 'REBOOT_MANAGER_MAINTAIN_START_WITHIN', default: '1h', help: 'After approval, how long you may take to start before the request expires and the node is given back.', parse: requestSeconds }),
  finishWithin: option({ name: 'finish-within', env: 'REBOOT_MANAGER_MAINTAIN_FINISH_WITHIN', default: '4h', help: 'After the start, how long the work may take; past it the request is reported overrun and released once the node is Ready.', parse: requestSeconds }),
  requester: option({ name: 'requester', env: 'REBOOT_MANAGER_MAINTAIN_REQUESTER', default: undefined, help: `Who asks (at most ${REQUEST_LIMITS.requester} characters). Unset: the kubeconfig's current user, else its context.`, parse: text }),
  name: option({ name: 'name', env: 'REBOOT_MANAGER_MAINTAIN_NAME', default: undefined, help: 'Name of the MaintenanceRequest (a DNS subdomain). Unset: NODE- and five random characters.', parse: objectName }),
  wait: option({ name: 'wait', env: 'REBOOT_MANAGER_MAINTAIN_WAIT', default: 'false', boolean: true, help: 'Show progress until approved, then mark the work started (spec.state InProgress).', parse: boolean }),
};

export type MaintainConfig = Parsed<typeof maintainOptions> & { node: string; reason: string };

export function parseMaintainConfig(argv: readonly string[], env: NodeJS.ProcessEnv): MaintainConfig {
  const [node, ...rest] = argv;
  if (!node || node.startsWith('--')) throw new ConfigError('maintain needs a node name: reboot-manager maintain NODE --reason TEXT');
  nodeName(node);
  const config = parseOptions(maintainOptions, rest, env);
  const { reason } = config;
  if (reason === undefined) throw new ConfigError('maintain needs --reason TEXT: say why the node goes out of service (people read it on the status page and in Events)');
  oneLine(reason, 'reason', REQUEST_LIMITS.reason);
  if (config.requester !== undefined) oneLine(config.requester, 'requester', REQUEST_LIMITS.requester);
  return { ...config, node, reason };
}

/** `done NODE`: the requester's kubeconfig. */
export const doneOptions = { kubeconfig: operatorOptions.kubeconfig };

export type DoneConfig = Parsed<typeof doneOptions> & { node: string };

export function parseDoneConfig(argv: readonly string[], env: NodeJS.ProcessEnv): DoneConfig {
  const [node, ...rest] = argv;
  if (!node || node.startsWith('--')) throw new ConfigError('done needs a node name: reboot-manager done NODE');
  nodeName(node);
  return { ...parseOptions(doneOptions, rest, env), node };
}

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** What is wrong with `value` as a Kubernetes object name (a DNS subdomain), or undefined. */
function subdomainProblem(value: string): string | undefined {
  if (value.length > REQUEST_LIMITS.name) return `must be at most ${REQUEST_LIMITS.name} characters`;
  if (!SUBDOMAIN.test(value)) return "must be a DNS subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit";
  return undefined;
}

function objectName(raw: string): string {
  const problem = subdomainProblem(raw);
  if (problem) throw new Error(problem);
  return raw;
}

function nodeName(value: string): void {
  const problem = subdomainProblem(value);
  // Checked here so a typo is an error before any API call; whether the Node exists is the server's answer.
  if (problem) throw new ConfigError(`invalid node name "${value.slice(0, 64)}": ${problem}`);
}

/** A duration of whole seconds within the CRD's bounds. */
function requestSeconds(raw: string): number {
  const ms = duration(raw);
  if (ms % 1000 !== 0) throw new Error('must be whole seconds');
  const seconds = ms / 1000;
  if (seconds < 1 || seconds > REQUEST_LIMITS.seconds) throw new Error(`must be from 1s to ${REQUEST_LIMITS.seconds / 3600}h`);
  return seconds;
}
