import { oneOf, option, parseOptions, text, type Parsed } from './options.js';

/** Options of the operator commands (`status`, `release`), run with the operator's own credentials. */
export const operatorOptions = {
  kubeconfig: option({ name: 'kubeconfig', env: 'KUBECONFIG', default: undefined, help: 'Kubeconfig file. Unset: ~/.kube/config, else the in-cluster service account.', parse: text }),
  namespace: option({ name: 'namespace', env: 'REBOOT_MANAGER_NAMESPACE', default: 'reboot-manager', help: 'Namespace where reboot-manager records Events.', parse: text }),
  output: option({ name: 'output', env: 'REBOOT_MANAGER_OUTPUT', default: 'table', help: 'table or json.', parse: oneOf('table', 'json') }),
};

export type OperatorConfig = Parsed<typeof operatorOptions>;

export function parseOperatorConfig(argv: readonly string[], env: NodeJS.ProcessEnv): OperatorConfig {
  return parseOptions(operatorOptions, argv, env);
}
