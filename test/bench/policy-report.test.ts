// The policy floor compares runs made back to back, so one run slowed by the machine's other load cannot decide it.
import t from 'tap';
import { median, pairedShares, policyFloors, type PolicyComparison } from '../../bench/policy-report.js';
import type { ScenarioResult } from '../../bench/report.js';

const run = (perSecond: number): ScenarioResult => {
  const requests = perSecond * 5;
  return {
    name: 'refused',
    expected: '423 slots_full',
    load: { requests, sent: requests, seconds: 5, perSecond, p50Ms: 1, p99Ms: 2, statuses: { 423: requests }, answers: { '423 slots_full': requests }, sample: {} },
  };
};

function comparison(without: number[], withPolicy: number[]): PolicyComparison {
  const runs = { without: without.map(run), with: withPolicy.map(run) };
  const best = (xs: ScenarioResult[]) => xs.reduce((a, b) => (b.load.perSecond > a.load.perSecond ? b : a));
  return { without: best(runs.without), with: best(runs.with), runs, configuration: [] };
}

void t.test('the median of an odd and an even count', async (t) => {
  t.equal(median([3, 1, 2]), 2);
  t.equal(median([4, 1, 3, 2]), 2.5);
});

void t.test('each ratio pairs the runs made one after the other', async (t) => {
  t.same(pairedShares({ without: [run(100), run(200)], with: [run(90), run(220)] }), [0.9, 1.1]);
});

void t.test('one lucky run without the policy does not fail the floor; slower pairs do', async (t) => {
  // Best-of would compare 9,600 with 12,000 (80 %); back to back the policy kept 96 % or more.
  const lucky = policyFloors(comparison([10_000, 12_000, 9_000, 10_000], [9_600, 11_700, 9_000, 9_700]));
  t.equal(lucky[0]?.pass, true, lucky[0]?.detail ?? '');
  const slower = policyFloors(comparison([10_000, 10_000, 10_000, 10_000], [8_000, 8_900, 9_500, 8_500]));
  t.equal(slower[0]?.pass, false, slower[0]?.detail ?? '');
});
