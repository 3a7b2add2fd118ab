// The RebootPolicy's budgets on a running server: zones, pools, percentages, unavailable nodes, a bad edit.
import t from 'tap';
import { pino } from 'pino';
import { scrape } from '../support/metrics.js';
import { startCluster } from '../support/cluster.js';
import { applyPolicy, labelNode } from '../support/policy.js';

const ZONE = 'topology.kubernetes.io/zone';

void t.test('at most one node per zone across three zones, within a cluster cap of three', async (t) => {
  const c = await startCluster(t, { nodes: 6 });
  c.nodeNames.forEach((name, i) => labelNode(c.sim, name, { [ZONE]: ['a', 'b', 'c'][i % 3] ?? '' }));
  t.same(await applyPolicy(c.sim, { maxUnavailable: 3, topology: { key: ZONE, maxUnavailable: 1 } }), { accepted: true, message: 'generation 1 is in force' });
  // node-01 a, node-02 b, node-03 c, node-04 a, node-05 b, node-06 c.
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  t.match(await c.preReboot('node-04'), { status: 423, kind: 'blocked', value: `topology: cluster ${ZONE}=a allows 1 node(s) out at once (rebooting: node-01)` });
  t.same(await c.preReboot('node-02'), { ok: true, status: 200 }, 'zone b is free');
  t.same(await c.preReboot('node-03'), { ok: true, status: 200 }, 'zone c is free');
  t.match(
    await c.preReboot('node-05'),
    { kind: 'blocked', value: `budget: the cluster-wide limit of 3 rebooting node(s) is reached (held by node-01, node-02, node-03); topology: cluster ${ZONE}=b allows 1 node(s) out at once (rebooting: node-02)` },
    'every reason at once',
  );
  t.same(c.holders(), ['node-01', 'node-02', 'node-03']);
});

void t.test('a node in two pools must fit both; a percentage of a pool rounds down but never to 0', async (t) => {
  const c = await startCluster(t, { nodes: 5 });
  for (const name of c.nodeNames) labelNode(c.sim, name, { role: 'worker' });
  labelNode(c.sim, 'node-04', { gpu: 'true' });
  labelNode(c.sim, 'node-05', { gpu: 'true' });
  await applyPolicy(c.sim, {
    maxUnavailable: '100%',
    pools: [
      // 5 workers at 50 %: 2.5, so 2.
      { name: 'workers', nodeSelector: { matchLabels: { role: 'worker' } }, maxUnavailable: '50%' },
      // 2 gpu nodes at 10 %: 0.2, still 1.
      { name: 'gpu', nodeSelector: { matchLabels: { gpu: 'true' } }, maxUnavailable: '10%' },
    ],
  });
  t.same(await c.preReboot('node-04'), { ok: true, status: 200 });
  t.match(await c.preReboot('node-05'), { kind: 'blocked', value: 'pool: pool gpu allows 1 node(s) out at once (rebooting: node-04)' });
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  t.match(await c.preReboot('node-02'), { kind: 'blocked', value: /^pool: pool workers allows 2 node\(s\) out at once \(rebooting: node-01, node-04\)$/ });
  const m = await scrape((await c.leader()).internalUrl);
  t.equal(m.value('reboot_manager_claims_blocked_total', { reason: 'pool' }), 2, 'each refusal is counted by its reason');
});

void t.test('unavailable nodes count against a policy budget unless it says countUnavailable: false; without a policy they do not', async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  c.sim.store.updateNode('node-03', (n) => {
    n.spec.unschedulable = true;
  });
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 }, 'flags only: a node cordoned by someone else uses no slot, as before');
  await applyPolicy(c.sim, { maxUnavailable: 2 });
  t.match(await c.preReboot('node-02'), { kind: 'slots_full', value: 'the cluster-wide limit of 2 node(s) out at once is reached (rebooting: node-01; already unavailable: node-03)' }, 'a budget reason alone: slots_full, as before');
  await applyPolicy(c.sim, { maxUnavailable: 2, countUnavailable: false });
  t.same(await c.preReboot('node-02'), { ok: true, status: 200 });
});

void t.test('a bad edit is rejected naming the field; the last good policy stays in force and says so everywhere', async (t) => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  const c = await startCluster(t, { nodes: 3, logger });
  t.same(await applyPolicy(c.sim, { maxUnavailable: 2 }), { accepted: true, message: 'generation 1 is in force' });
  const verdict = await applyPolicy(c.sim, { maxUnavailable: 2, pools: [{ name: 'x', nodeSelector: {}, maxUnavailable: '0%' }] });
  t.equal(verdict.accepted, false);
  t.match(verdict.message, /^generation 2 rejected, generation 1 \(last accepted\) stays in force: spec\.pools\[0\]\.maxUnavailable: must be a whole number.*; its spec\.pause applies: new reboots are not paused$/);
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  t.same(await c.preReboot('node-02'), { ok: true, status: 200 }, 'two at once: generation 1 still rules');
  t.ok(lines.some((l) => l.msg === 'RebootPolicy rejected: generation 1 (last accepted) stays in force, with the edit’s spec.pause' && l.field === 'spec.pools[0].maxUnavailable'), 'logged with the field');
  const m = await scrape((await c.leader()).internalUrl);
  t.equal(m.value('reboot_manager_policy_accepted'), 0);
  t.equal(m.value('reboot_manager_policy_generation'), 1, 'the generation in force');
  t.equal(m.value('reboot_manager_policy_rejections_total'), 1);
  const events = c.sim.store.list('events', 'default').filter((e) => (e as { involvedObject?: { kind?: string } }).involvedObject?.kind === 'RebootPolicy');
  t.match(events.map((e) => (e as { reason?: string }).reason), ['PolicyAccepted', 'PolicyRejected'], 'an Event for each verdict on the RebootPolicy');
});
