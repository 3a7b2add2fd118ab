import { operatorOptions, parseOperatorConfig, parseStatusConfig, statusOptions } from '../config/operator.js';
import { ConfigError, helpText } from '../config/options.js';
import { parseServeConfig, serveOptions } from '../config/serve.js';
import { TlsFilesError } from '../http/tls-files.js';
import { demoOptions } from '../sim/demo/options.js';
import { imdsAgentOptions, parseImdsAgentConfig } from '../agent/config.js';
import { untilSignal } from './until-signal.js';

export interface Command {
  readonly summary: string;
  help(): string;
  /** Resolves with the exit code once the command is done (for servers: after a signal). */
  run(argv: string[], env: NodeJS.ProcessEnv): Promise<number>;
}

export const commands: Record<string, Command> = {
  serve: {
    summary: 'Run the FleetLock server (the Deployment runs this).',
    help: () => helpText('Usage: reboot-manager serve [options]', serveOptions),
    async run(argv, env) {
      const config = parseServeConfig(argv, env);
      const { startServer } = await import('../server.js');
      // Unusable TLS files are a configuration error like any other: exit 2, the message names the file.
      const server = await startServer(config).catch((err: unknown) => {
        throw err instanceof TlsFilesError ? new ConfigError(err.message) : err;
      });
      await untilSignal();
      await server.close();
      return 0;
    },
  },
  status: {
    summary: 'Print every node: lock, group, phase, how long it has held its slot, cordon, drain progress.',
    help: () => helpText('Usage: reboot-manager status [options]', statusOptions),
    async run(argv, env) {
      const config = parseStatusConfig(argv, env);
      const { formatPolicySummary, formatStatusTable } = await import('./status-table.js');
      let rows;
      let summary: string[] = [];
      if (config.server !== undefined) {
        // What the server's cache shows: same rows, built by the same code on the server side; and its policy.
        const { fetchStatus } = await import('../status/remote.js');
        const snapshot = await fetchStatus(config.server);
        rows = snapshot.nodes;
        summary = formatPolicySummary(snapshot.policy);
      } else {
        const { createKubeApi } = await import('../kube/rest-api.js');
        const { NodeCache } = await import('../kube/nodes.js');
        const { statusRows } = await import('../status/rows.js');
        const { systemClock: clock } = await import('../clock/clock.js');
        rows = statusRows(await new NodeCache({ api: createKubeApi(config.kubeconfig), clock }).listOnce(), clock.now());
      }
      const text = config.output === 'json' ? JSON.stringify(rows, null, 2) : [formatStatusTable(rows), ...(summary.length > 0 ? ['', ...summary] : [])].join('\n');
      process.stdout.write(`${text}\n`);
      return 0;
    },
  },
  release: {
    summary: 'Release a node\'s reboot slot by hand (and uncordon it if reboot-manager cordoned it).',
    help: () => helpText('Usage: reboot-manager release NODE [options]', operatorOptions),
    async run(argv, env) {
      const [name, ...rest] = argv;
      if (!name || name.startsWith('--')) throw new ConfigError('release needs a node name: reboot-manager release NODE');
      const config = parseOperatorConfig(rest, env);
      const { createKubeApi } = await import('../kube/rest-api.js');
      const { NodeCache } = await import('../kube/nodes.js');
      const { EventRecorder } = await import('../kube/events.js');
      const { releaseByHand } = await import('../coordinator/manual-release.js');
      const { systemClock: clock } = await import('../clock/clock.js');
      const api = createKubeApi(config.kubeconfig);
      const events = new EventRecorder(api, clock, { instance: 'reboot-manager-cli', onError: (err) => process.stderr.write(`reboot-manager: warning: ${err.message}\n`) });
      const result = await releaseByHand(new NodeCache({ api, clock }), clock, events, name, 'reboot-manager release');
      process.stdout.write(result.released ? `released the reboot slot of node ${name}${result.uncordoned ? ' and uncordoned it' : ''}\n` : `node ${name} held no reboot slot; nothing changed\n`);
      return 0;
    },
  },
  'imds-agent': {
    summary: 'Azure scheduled-events agent, one per node (DaemonSet): takes the lock before Azure reboots the VM.',
    help: () => helpText('Usage: reboot-manager imds-agent --server <FleetLock URL> [options]', imdsAgentOptions),
    async run(argv, env) {
      const config = parseImdsAgentConfig(argv, env);
      const { createImdsAgent } = await import('../agent/run.js');
      const running = await createImdsAgent(config, { serveMetrics: true });
      running.agent.start();
      await untilSignal();
      await running.close();
      return 0;
    },
  },
  demo: {
    summary: 'Simulated cluster + the real server + simulated Zincati fleet; shows nodes rebooting in turn.',
    help: () => helpText('Usage: reboot-manager demo [options]', demoOptions),
    async run(argv) {
      const { runDemo } = await import('../sim/demo.js');
      return runDemo(argv);
    },
  },
};

