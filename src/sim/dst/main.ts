// `npm run dst -- --seed N` replays one history with its log; `npm run soak -- --minutes M [--from S]` runs
// seed after seed and says how many per minute. Both exit 1 when a history breaks an invariant.
import { simulate, type SimulationReport } from './simulate.js';

function flag(args: readonly string[], name: string): number | undefined {
  const at = args.lastIndexOf(`--${name}`); // the last wins: `npm run soak -- --minutes 1` follows the script's own
  if (at === -1) return undefined;
  const value = Number(args[at + 1]);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} needs a whole number`);
  return value;
}

function describe(report: SimulationReport): string {
  return report.violations.map((v) => `  ${v.rule}: ${v.detail}`).join('\n');
}

const USAGE = 'usage: npm run dst -- --seed N   (replay one history)\n       npm run soak -- [--minutes M] [--from S]   (fresh seeds for M minutes)\n';

async function main(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const unknown = args.filter((a, i) => i % 2 === 0 && !['--seed', '--minutes', '--from'].includes(a));
  if (unknown.length > 0) {
    process.stderr.write(`unknown option ${unknown.join(', ')}\n${USAGE}`);
    return 2;
  }
  const seed = flag(args, 'seed');
  if (seed !== undefined) {
    const report = await simulate(seed, { stopAtFirst: false, verbose: true });
    process.stdout.write(`${report.log.join('\n')}\n`);
    process.stdout.write(`seed ${seed}: ${report.steps} steps, ${Math.round(report.virtualMs / 60_000)} virtual minutes, faults ${JSON.stringify(report.faults)}\n`);
    process.stdout.write(report.violations.length === 0 ? 'no invariant broken\n' : `${describe(report)}\n`);
    return report.violations.length === 0 ? 0 : 1;
  }
  const minutes = flag(args, 'minutes') ?? 5;
  let next = flag(args, 'from') ?? 1_000_000;
  const started = Date.now();
  let runs = 0;
  let failed = 0;
  while (Date.now() - started < minutes * 60_000) {
    const report = await simulate(next);
    runs += 1;
    if (report.violations.length > 0) {
      failed += 1;
      process.stdout.write(`seed ${next} broke an invariant (replay: npm run dst -- --seed ${next}):\n${describe(report)}\n`);
    }
    next += 1;
  }
  const perMinute = Math.round(runs / ((Date.now() - started) / 60_000));
  process.stdout.write(`soak: ${runs} seeds in ${minutes} min (${perMinute} per minute), ${failed} broke an invariant\n`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
