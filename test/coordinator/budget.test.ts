import t from 'tap';
import { keepers, slotsOf, whyFull, type Claim, type SlotBudget } from '../../src/slot/budget.js';

const budget = (maxTotal: number, defaultPerGroup = 1, perGroup: [string, number][] = []): SlotBudget => ({ maxTotal, defaultPerGroup, perGroup: new Map(perGroup), urgentGroups: new Set(['azure-urgent']) });
const claim = (name: string, group = 'default', drained = false): Claim => ({ name, group, drained });

void t.test('the alphabetically first claim keeps the only slot', async (t) => {
  t.same([...keepers([claim('node-c'), claim('node-a'), claim('node-b')], budget(1))], ['node-a']);
});

void t.test('a drained claim (maybe already answered 200) is never the one to withdraw', async (t) => {
  t.same([...keepers([claim('node-a'), claim('node-z', 'default', true)], budget(1))], ['node-z']);
});

void t.test('groups have their own slots, bounded by the cluster-wide cap', async (t) => {
  const b = budget(3, 1, [['workers', 2]]);
  const kept = keepers([claim('w1', 'workers'), claim('w2', 'workers'), claim('w3', 'workers'), claim('d1'), claim('d2')], b);
  t.same([...kept].sort(), ['d1', 'w1', 'w2']);
  t.equal(slotsOf(b, 'workers'), 2);
  t.equal(slotsOf(budget(1, 1, [['workers', 5]]), 'workers'), 1, 'a group never gets more than the cluster cap');
});

void t.test('whyFull names the holders and which limit is reached', async (t) => {
  t.equal(whyFull([], 'default', budget(1)), undefined);
  t.match(whyFull([claim('node-a')], 'default', budget(1)), /all 1 reboot slot\(s\) of group default are held \(by node-a\)/);
  t.match(whyFull([claim('node-a', 'other')], 'default', budget(1, 1)), /cluster-wide limit of 1 rebooting node\(s\) is reached \(held by node-a\)/);
  t.equal(whyFull([claim('node-a', 'other')], 'default', budget(2, 1)), undefined, 'another group holding its slot leaves ours free');
  t.match(whyFull([], 'frozen', budget(2, 1, [['frozen', 0]])), /group frozen .*nobody: the group has no slots/);
});

void t.test('urgent groups take a slot even when the budget is full, and count against it', async (t) => {
  const b = budget(1);
  t.equal(whyFull([claim('node-a')], 'azure-urgent', b), undefined, 'an urgent claim is never refused for lack of slots');
  const kept = keepers([claim('node-a', 'default', true), claim('node-z', 'azure-urgent')], b);
  t.same([...kept].sort(), ['node-a', 'node-z'], 'neither the drained holder nor the urgent claim withdraws');
  t.match(whyFull([claim('node-z', 'azure-urgent')], 'default', b), /cluster-wide limit of 1/, 'while it lasts, others wait');
  t.same([...keepers([claim('node-z', 'azure-urgent'), claim('node-a')], b)], ['node-z'], 'an ordinary claim yields to the urgent one');
});
