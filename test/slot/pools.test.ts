// Pools, percentages and topology caps: which scopes a claim would overflow.
import t from 'tap';
import { selectorMatches } from '../../src/slot/label-selector.js';
import { resolveAmount, type NodeFacts, type ScopePolicy } from '../../src/slot/pools.js';
import { overflows as overflowsOf } from '../../src/slot/scope-index.js';

/** The scope, its allowance and who uses it: what these cases are about. */
const overflows = (...args: Parameters<typeof overflowsOf>) => overflowsOf(...args).map(({ scope, allowed, using }) => ({ scope, allowed, using }));

const ZONE = 'topology.kubernetes.io/zone';

function node(name: string, labels: Record<string, string>, state: Partial<Pick<NodeFacts, 'holding' | 'unavailable'>> = {}): NodeFacts {
  return { name, labels, holding: state.holding ?? false, unavailable: state.unavailable ?? false };
}

const open: ScopePolicy = { maxUnavailable: { count: 100 }, pools: [], countUnavailable: true };

void t.test('a percentage rounds down, but a non-empty scope always allows one', async (t) => {
  t.equal(resolveAmount({ percent: 25 }, 10), 2, '25 % of 10 is 2.5: 2');
  t.equal(resolveAmount({ percent: 10 }, 5), 1, '10 % of 5 is 0.5: still 1, or a small pool never moves');
  t.equal(resolveAmount({ percent: 100 }, 3), 3);
  t.equal(resolveAmount({ percent: 50 }, 0), 0, 'an empty scope allows nothing');
  t.equal(resolveAmount({ count: 2 }, 1), 2, 'a count is taken as written');
});

void t.test('a node in several pools must fit every one; each overflow names the scope and who uses it', async (t) => {
  const gpu = { matchLabels: { gpu: 'true' } };
  const workers = { matchExpressions: [{ key: 'role', operator: 'In' as const, values: ['worker'] }] };
  const policy: ScopePolicy = {
    ...open,
    pools: [
      { name: 'workers', selector: workers, maxUnavailable: { percent: 50 } },
      { name: 'gpu', selector: gpu, maxUnavailable: { count: 1 } },
    ],
  };
  const nodes = [
    node('w1', { role: 'worker' }, { holding: true }),
    node('w2', { role: 'worker' }),
    node('g1', { role: 'worker', gpu: 'true' }, { holding: true }),
    node('g2', { role: 'worker', gpu: 'true' }),
  ];
  // workers: 4 nodes, 50 % = 2, used by w1 and g1; gpu: 1, used by g1.
  t.same(overflows(policy, nodes, nodes[3] as NodeFacts), [
    { scope: 'pool workers', allowed: 2, using: ['g1', 'w1'] },
    { scope: 'pool gpu', allowed: 1, using: ['g1'] },
  ], 'g2 overflows both of its pools');
  t.same(overflows(policy, nodes, nodes[1] as NodeFacts).map((o) => o.scope), ['pool workers'], 'w2 is in one pool only');
  const fewer = nodes.map((n) => (n.name === 'w1' ? { ...n, holding: false } : n));
  t.same(overflows(policy, fewer, fewer[3] as NodeFacts).map((o) => o.scope), ['pool gpu'], 'room in workers, none in gpu');
  t.same(overflows(policy, fewer, fewer[1] as NodeFacts), [], 'w2 fits every scope it is in');
});

void t.test('at most N per zone, across three zones', async (t) => {
  const policy: ScopePolicy = { ...open, topology: { key: ZONE, max: 1 } };
  const nodes = ['a', 'b', 'c'].flatMap((z) => [node(`${z}1`, { [ZONE]: z }, { holding: z !== 'c' }), node(`${z}2`, { [ZONE]: z })]);
  const find = (name: string) => nodes.find((n) => n.name === name) as NodeFacts;
  t.same(overflows(policy, nodes, find('a2')), [{ scope: `cluster ${ZONE}=a`, allowed: 1, using: ['a1'] }]);
  t.same(overflows(policy, nodes, find('b2')).map((o) => o.scope), [`cluster ${ZONE}=b`]);
  t.same(overflows(policy, nodes, find('c2')), [], 'zone c has nobody out');
  const unlabelled = node('x', {});
  t.same(overflows(policy, [...nodes, unlabelled], unlabelled), [], 'a node without the label is a zone of its own');
});

void t.test('unavailable nodes count against the budgets they fall in, unless turned off', async (t) => {
  const nodes = [node('n1', {}, { unavailable: true }), node('n2', {}), node('n3', {})];
  const policy: ScopePolicy = { maxUnavailable: { count: 1 }, pools: [], countUnavailable: true };
  t.same(overflows(policy, nodes, nodes[1] as NodeFacts), [{ scope: 'cluster', allowed: 1, using: ['n1'] }], 'a NotReady node uses the only slot');
  t.same(overflows({ ...policy, countUnavailable: false }, nodes, nodes[1] as NodeFacts), [], 'not counted when turned off');
  t.same(overflows(policy, nodes, nodes[0] as NodeFacts), [], 'a node does not count against its own claim');
  t.same(overflowsOf(policy, nodes, nodes[1] as NodeFacts)[0]?.unavailable, ['n1'], 'the refusal can say it is unavailable, not rebooting');
});

void t.test('the cluster cap as a percentage; a paused pool allows nothing', async (t) => {
  const nodes = Array.from({ length: 10 }, (_, i) => node(`n${i}`, { pool: i < 5 ? 'a' : 'b' }, { holding: i === 0 || i === 5 }));
  const policy: ScopePolicy = { maxUnavailable: { percent: 20 }, pools: [{ name: 'b', selector: { matchLabels: { pool: 'b' } }, maxUnavailable: { count: 3 }, paused: true }], countUnavailable: true };
  t.same(overflows(policy, nodes, nodes[1] as NodeFacts), [{ scope: 'cluster', allowed: 2, using: ['n0', 'n5'] }], '20 % of 10 is 2, both used');
  const relaxed = { ...policy, maxUnavailable: { percent: 50 } };
  t.same(overflows(relaxed, nodes, nodes[1] as NodeFacts), [], 'room in the cluster for pool-less a-nodes');
  t.same(overflows(relaxed, nodes, nodes[6] as NodeFacts), [{ scope: 'pool b', allowed: 0, using: ['n5'] }], 'pool b is paused');
  t.equal(overflowsOf(relaxed, nodes, nodes[6] as NodeFacts)[0]?.paused, true);
});

void t.test('label selectors behave as Kubernetes defines them', async (t) => {
  const labels = { role: 'worker', zone: 'a' };
  t.ok(selectorMatches({}, labels), 'the empty selector matches everything');
  t.ok(selectorMatches({ matchLabels: { role: 'worker' } }, labels));
  t.notOk(selectorMatches({ matchLabels: { role: 'worker', zone: 'b' } }, labels));
  t.ok(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['b'] }] }, labels));
  t.ok(selectorMatches({ matchExpressions: [{ key: 'gpu', operator: 'NotIn', values: ['true'] }] }, labels), 'NotIn matches a node without the key');
  t.notOk(selectorMatches({ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }, labels));
  t.ok(selectorMatches({ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }, labels));
  t.notOk(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'In', values: [] }] }, labels), 'In with no values matches nothing');
});
