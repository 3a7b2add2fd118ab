// The health gate among the admission rules of a running server: it holds the next claim in the released node's
// pool, not in another pool, and urgent groups pass it.
import t from 'tap';
import { startCluster } from '../support/cluster.js';
import { rebootAndWaitForRelease } from '../support/drain-cluster.js';
import { applyPolicy, labelNode } from '../support/policy.js';

void t.test('after a release the gate holds its pool for the Ready time; another pool and urgent groups go on', async (t) => {
  // The gate as users get it (on), with the flag's Ready time.
  const c = await startCluster(t, { nodes: 4, flags: ['--max-rebooting', '2', '--health-gate', '--health-gate-node-ready', '1h'] });
  for (const n of ['node-01', 'node-02']) labelNode(c.sim, n, { pool: 'a' });
  for (const n of ['node-03', 'node-04']) labelNode(c.sim, n, { pool: 'b' });
  const verdict = await applyPolicy(c.sim, {
    maxUnavailable: 2,
    pools: [
      { name: 'a', nodeSelector: { matchLabels: { pool: 'a' } }, maxUnavailable: 1 },
      { name: 'b', nodeSelector: { matchLabels: { pool: 'b' } }, maxUnavailable: 1 },
    ],
  });
  t.equal(verdict.accepted, true, verdict.message);

  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  await rebootAndWaitForRelease(c, 'node-01');
  const held = await c.preReboot('node-02');
  t.match(held, { status: 423, kind: 'blocked' });
  t.match(held.ok ? '' : held.value, /^health: node-01 released \d+s ago: waiting for node node-01 Ready for 1h \(\d+s so far\); gives up in \d+m/, 'the same pool waits for the released node');
  t.same(await c.preReboot('node-03'), { ok: true, status: 200 }, 'pool b does not wait for pool a');
  t.same(await c.preReboot('node-02', 'azure-urgent'), { ok: true, status: 200 }, 'an urgent group passes the gate');

  // A policy may turn the gate off: the wait ends at once.
  await rebootAndWaitForRelease(c, 'node-02');
  t.match(await c.preReboot('node-01'), { kind: 'blocked' }, 'node-01 waits for node-02 released just now');
  t.equal((await applyPolicy(c.sim, { maxUnavailable: 3, healthGate: { enabled: false } })).accepted, true);
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 }, 'with the gate off, the claim goes through');
});
