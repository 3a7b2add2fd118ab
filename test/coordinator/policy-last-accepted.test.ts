// The last accepted RebootPolicy outlives the replica that accepted it: a replica that starts (or takes over) while a
// later edit is rejected uses the generation stored in the object's status; a pause always applies; deleting a rejected
// policy leaves nothing rejected.
import t, { type Test } from 'tap';
import { pollUntil } from '../../kit/poll.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { scrape } from '../support/metrics.js';
import { applyPolicy, verdictOf, writePolicy } from '../support/policy.js';
import { getStatus } from '../support/status-cluster.js';

const EVERY_DAY = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const GOOD = { maxUnavailable: 2, windows: [{ days: EVERY_DAY, start: '00:00', end: '00:00', timeZone: 'Europe/Berlin' }] };
// The CRD schema cannot check a time zone: the API server stores this edit, only reboot-manager rejects it.
const BAD = { maxUnavailable: 2, windows: [{ days: EVERY_DAY, start: '00:00', end: '00:00', timeZone: 'Mars/Olympus' }] };
const REJECTED = /^generation 2 rejected, generation 1 \(last accepted\) stays in force: spec\.windows\[0\]\.timeZone: .*; its spec\.pause applies: new reboots are not paused$/;

/** Two nodes granted at once: generation 1's maxUnavailable 2, not the test cluster's flags (one per group). */
async function twoAtOnce(t: Test, c: TestCluster): Promise<void> {
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  t.same(await c.preReboot('node-02'), { ok: true, status: 200 }, 'a second node at once: generation 1 rules');
  t.match(await c.preReboot('node-03'), { status: 423, kind: 'slots_full' }, 'and its budget of two');
}

/** The policy part of a replica's status API, and its policy metrics. */
async function inForce(c: TestCluster) {
  const leader = await c.leader();
  const m = await scrape(leader.internalUrl);
  return { policy: (await getStatus(leader)).body.policy, accepted: m.value('reboot_manager_policy_accepted'), generation: m.value('reboot_manager_policy_generation') };
}

void t.test('a replica started while the object holds a rejected edit uses the last accepted generation, and says so', async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  t.equal((await applyPolicy(c.sim, GOOD)).accepted, true);
  const first = await c.leader();
  await first.close();
  c.servers = [];
  // Edited while no replica runs: nobody has judged generation 2 yet.
  t.equal(writePolicy(c.sim, BAD), 2);
  await c.startReplica('restarted');
  // Another identity: it leads once the old Lease has expired.
  await c.leader();
  const verdict = await c.sim.store.waitFor(() => verdictOf(c.sim, 2));
  t.equal(verdict.accepted, false);
  t.match(verdict.message, REJECTED, 'the condition names what is in force');
  await twoAtOnce(t, c);
  t.match(await inForce(c), {
    policy: { source: 'object', generation: 1, rejection: { generation: 2, field: 'spec.windows[0].timeZone', pauseApplies: true }, cluster: { maxUnavailable: 2 }, windows: [{ scope: 'cluster', windows: [/Europe\/Berlin/] }] },
    accepted: 0,
    generation: 1,
  }, 'the status API and the metrics: generation 1 with its window, generation 2 rejected');
});

void t.test('a failover while an edit is rejected keeps the last accepted generation', async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  t.equal((await applyPolicy(c.sim, GOOD)).accepted, true);
  t.match(await applyPolicy(c.sim, BAD), { accepted: false, message: REJECTED });
  // A rollout: a new replica starts with generation 2 already rejected, then the old leader goes.
  const next = await c.startReplica('rolled-out');
  const first = await c.leader();
  await first.close();
  c.servers = [next];
  t.equal(await c.leader(), next);
  await twoAtOnce(t, c);
  t.match(await inForce(c), { policy: { source: 'object', generation: 1, rejection: { generation: 2 } }, accepted: 0, generation: 1 });
  const events = c.sim.store.list('events', 'default').filter((e) => (e as { involvedObject?: { kind?: string } }).involvedObject?.kind === 'RebootPolicy');
  t.ok(events.some((e) => (e as { message?: string }).message?.match(REJECTED)), 'an Event names what is in force');
});

void t.test('a pause applies while the rest of the edit is rejected, and so does lifting it', async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  t.equal((await applyPolicy(c.sim, { maxUnavailable: 2 })).accepted, true);
  const paused = await applyPolicy(c.sim, { ...BAD, pause: { reason: 'kernel regression', by: 'alice' } });
  t.match(paused, { accepted: false, message: /generation 1 \(last accepted\) stays in force: spec\.windows\[0\]\.timeZone: .*; its spec\.pause applies: new reboots are paused$/ });
  t.match(await c.preReboot('node-01'), { status: 423, kind: 'blocked', value: 'pause: new reboots are paused by alice: kernel regression' });
  t.match(await inForce(c), { policy: { source: 'object', generation: 1, pause: { reason: 'kernel regression' }, rejection: { generation: 2, pauseApplies: true } } });

  const lifted = await applyPolicy(c.sim, BAD);
  t.match(lifted, { accepted: false, message: /new reboots are not paused$/ });
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 }, 'lifted: claims go on under generation 1');
  t.same(await c.preReboot('node-02'), { ok: true, status: 200 });

  // A bad pause is itself the rejected field: generation 1's (no pause) stays.
  t.match(await applyPolicy(c.sim, { maxUnavailable: 2, pause: { reason: '' } }), { accepted: false, message: /stays in force: spec\.pause\.reason: is required: say why claims are paused$/ });
  t.match(await inForce(c), { policy: { pause: null, rejection: { field: 'spec.pause.reason', pauseApplies: false } } });
});

void t.test('deleting a rejected policy puts the flags in force and accepted: the metric is 1 again', async (t) => {
  const c = await startCluster(t, { nodes: 2 });
  const verdict = await applyPolicy(c.sim, { maxUnavailable: '150%' });
  t.match(verdict, { accepted: false, message: /^generation 1 rejected, the flags stay in force: spec\.maxUnavailable: / }, 'none accepted before: the flags');
  t.match(await inForce(c), { policy: { source: 'flags', rejection: { generation: 1 } }, accepted: 0, generation: 0 });
  c.sim.store.remove('rebootpolicies', undefined, 'default');
  const after = await pollUntil('the replica to see the deletion', async () => {
    const now = await inForce(c);
    return now.accepted === 1 ? now : undefined;
  }, { timeoutMs: 20_000, intervalMs: 50 });
  t.match(after, { policy: { source: 'flags', rejection: null }, accepted: 1, generation: 0 });
});
