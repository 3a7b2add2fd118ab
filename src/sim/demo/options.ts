// The demo's command-line options, in the same table form as `serve`.
import { boolean, option, parseOptions, positiveNumber, wholeNumber, type Parsed } from '../../config/options.js';

export const demoOptions = {
  nodes: option({ name: 'nodes', env: 'REBOOT_MANAGER_DEMO_NODES', default: '5', help: 'Nodes in the simulated cluster.', parse: wholeNumber(1, 500) }),
  maxRebooting: option({ name: 'max-rebooting', env: 'REBOOT_MANAGER_DEMO_MAX_REBOOTING', default: '1', help: 'Nodes allowed to reboot at once (the server\'s --max-rebooting and --slots-per-group).', parse: wholeNumber(1, 500) }),
  timeScale: option({ name: 'time-scale', env: 'REBOOT_MANAGER_DEMO_TIME_SCALE', default: '300', help: 'Simulated seconds per real second: 300 turns Zincati\'s 300 s tick into 1 s.', parse: positiveNumber }),
  seed: option({ name: 'seed', env: 'REBOOT_MANAGER_DEMO_SEED', default: '1', help: 'Seed of the simulated agents\' jitter and boot times.', parse: wholeNumber(0, 2 ** 32 - 1) }),
  keepRunning: option({ name: 'keep-running', env: 'REBOOT_MANAGER_DEMO_KEEP_RUNNING', default: 'false', boolean: true, help: 'Leave the simulator and the server up afterwards (for curl); stop with Ctrl-C.', parse: boolean }),
};

export type DemoOptions = Parsed<typeof demoOptions>;

export function parseDemoOptions(argv: readonly string[], env: NodeJS.ProcessEnv = {}): DemoOptions {
  return parseOptions(demoOptions, argv, env);
}
