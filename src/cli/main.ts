#!/usr/bin/env node
import { ConfigError } from '../config/options.js';
import { commands } from './commands.js';
import { CommandFailure } from './failure.js';

const USAGE = `reboot-manager: FleetLock reboot coordinator for Kubernetes

Usage: reboot-manager <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run "reboot-manager <command> --help" for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`reboot-manager: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help()}\n`);
    return 0;
  }
  return command.run(rest, process.env);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Idle keep-alive sockets to the API server may hold the loop open; don't let them delay exit.
    setTimeout(() => process.exit(code), 500).unref();
  },
  (err: unknown) => {
    const message = err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err);
    process.stderr.write(`reboot-manager: ${message}\n`);
    process.exitCode = err instanceof ConfigError ? 2 : err instanceof CommandFailure ? err.exitCode : 1;
  },
);
