import { helpText } from '../config/options.js';
import { parseServeConfig, serveOptions } from '../config/serve.js';
import { demoOptions } from '../sim/demo/options.js';
import { imdsAgentOptions, parseImdsAgentConfig } from '../agent/config.js';

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
      const server = await startServer(config);
      await untilSignal();
      await server.close();
      return 0;
    },
  },
  'imds-agent': {
    summary: 'Azure scheduled-events agent, one per node (DaemonSet): takes the lock before Azure reboots the VM.',
    help: () => helpText('Usage: reboot-manager imds-agent --server <FleetLock URL> [options]', imdsAgentOptions),
    async run(argv, env) {
      const config = parseImdsAgentConfig(argv, env);
      const { createImdsAgent } = await import('../agent/run.js');
      const running = await createImdsAgent(config);
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

/** Waits for SIGTERM or SIGINT: Kubernetes stops a pod with SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGTERM', done);
      process.off('SIGINT', done);
      resolve();
    };
    process.once('SIGTERM', done);
    process.once('SIGINT', done);
  });
}
