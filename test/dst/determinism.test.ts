// A seed is a history: run twice, it takes the same steps, faults and answers, so a failing seed replays exactly.
import t from 'tap';
import { simulate } from '../../src/sim/dst/simulate.js';

void t.test('the same seed gives the same history twice', async (t) => {
  for (const seed of [3, 42]) {
    const first = await simulate(seed, { verbose: true });
    const second = await simulate(seed, { verbose: true });
    t.same(second.log, first.log, `seed ${seed}: the same log, line for line`);
    t.equal(second.steps, first.steps, `seed ${seed}: the same number of steps`);
    t.same(second.faults, first.faults);
  }
  const other = await simulate(4, { verbose: true });
  const three = await simulate(3, { verbose: true });
  t.not(other.log.join('\n'), three.log.join('\n'), 'another seed, another history');
});
