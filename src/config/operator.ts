import { httpUrl, oneOf, option, parseOptions, text, type Parsed } from './options.js';

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
