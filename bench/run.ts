// `npm run bench [-- --sim-only | --real-only | --page-only]`: the simulator run, then the real-control-plane run.
import { parseArgs } from 'node:util';
import { pageBench } from './page/run.js';
import { realBench } from './real/run.js';
import { simBench } from './sim.js';

const { values } = parseArgs({ options: { 'sim-only': { type: 'boolean', default: false }, 'real-only': { type: 'boolean', default: false }, 'page-only': { type: 'boolean', default: false } } });

async function all(): Promise<number> {
  if (values['page-only']) return pageBench();
  const sim = values['real-only'] ? 0 : await simBench();
  const real = values['sim-only'] ? 0 : await realBench();
  return Math.max(sim, real);
}

all().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
