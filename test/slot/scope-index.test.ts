// The scope index answers from what it computed when labels or the policy changed: pools, the cluster cap, unknown nodes.
import t from 'tap';
import type { NodeFacts, ScopePolicy } from '../../src/slot/pools.js';
import { ScopeIndex } from '../../src/slot/scope-index.js';

const node = (name: string, labels: Record<string, string>, holding = false): NodeFacts => ({ name, labels, holding, unavailable: false });
const gpu: ScopePolicy['pools'][number] = { name: 'gpu', selector: { matchLabels: { gpu: 'true' } }, maxUnavailable: { count: 1 }, paused: false };
const everyone: ScopePolicy['pools'][number] = { name: 'all', selector: {}, maxUnavailable: { percent: 50 }, paused: false };

void t.test("a node's pools follow its labels and the policy", async (t) => {
  const index = new ScopeIndex({ maxUnavailable: { count: 1 }, pools: [gpu], countUnavailable: true });
  index.upsert(node('a', { gpu: 'true' }));
  index.upsert(node('b', {}));
  t.same([index.poolsOf('a'), index.poolsOf('b')], [['gpu'], []]);
  index.upsert(node('b', { gpu: 'true' }));
  t.same(index.poolsOf('b'), ['gpu'], 'labelled into the pool');
  index.upsert(node('a', {}));
  t.same(index.poolsOf('a'), [], 'labelled out of it');
  index.setPolicy({ maxUnavailable: { count: 1 }, pools: [gpu, everyone], countUnavailable: true });
  t.same([index.poolsOf('a'), index.poolsOf('b')], [['all'], ['gpu', 'all']], 'a new policy puts them in its pools');
});

void t.test('a node the index does not know is in the cluster and the pools that select every node', async (t) => {
  const index = new ScopeIndex({ maxUnavailable: { count: 1 }, pools: [gpu, everyone], countUnavailable: true });
  t.same(index.scopesOf('ghost').map((s) => s.id), ['cluster', 'pool/all']);
  t.same(index.poolsOf('ghost'), ['all']);
  index.setPolicy({ maxUnavailable: { count: 1 }, pools: [gpu], countUnavailable: true });
  t.same([index.scopesOf('ghost').map((s) => s.id), index.poolsOf('ghost')], [['cluster'], []], 'and follows a new policy');
});

void t.test('the cluster cap follows the policy and, as a percentage, the node count', async (t) => {
  const index = new ScopeIndex({ maxUnavailable: { count: 2 }, pools: [], countUnavailable: true });
  t.equal(index.allowed(index.cluster(), false), 2);
  index.setPolicy({ maxUnavailable: { percent: 25 }, pools: [], countUnavailable: true });
  for (let i = 0; i < 12; i++) index.upsert(node(`n${i}`, {}));
  t.equal(index.allowed(index.cluster(), false), 3, '25 % of 12');
  index.remove('n0');
  index.remove('n1');
  t.equal(index.allowed(index.cluster(), false), 2, '25 % of 10, rounded down');
});
