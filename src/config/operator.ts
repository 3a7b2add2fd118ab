import { groupProblem } from '../fleetlock/group.js';
import { ZINCATI_DEFAULT_GROUP } from '../slot/budget.js';
import { PAUSE_BY_MAX_LENGTH, PAUSE_REASON_MAX_LENGTH, characters } from '../policy/policy.js';
import { ConfigError, httpUrl, oneOf, option, parseOptions, text, type Parsed } from './options.js';

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
