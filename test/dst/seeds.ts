// Runs a range of seeded histories and fails with the seed and a one-command replay for any that breaks an invariant.
import type { Test } from 'tap';
import { simulate } from '../../src/sim/dst/simulate.js';

export async function runSeeds(t: Test, from: number, to: number): Promise<void> {
  let broken = 0;
  for (let seed = from; seed <= to; seed++) {
    const report = await simulate(seed);
    if (report.violations.length === 0) continue;
    broken += 1;
    t.fail(`seed ${seed} broke an invariant; replay: npm run dst -- --seed ${seed}`, { violations: report.violations });
  }
  t.equal(broken, 0, `seeds ${from} to ${to}: never more holders than allowed, releases only once back, 200 only when drained, no budget broken, no orphan cordon, everyone served`);
}
