import { helpText } from '../config/options.js';
import { parseServeConfig, serveOptions } from '../config/serve.js';
import { demoOptions } from '../sim/demo/options.js';

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
