// A maintenance window closing on a drain still running: Stop (the default) gives the slot back, Finish lets it go on.
import t, { type Test } from 'tap';
import { OK } from '../../src/fleetlock/refusal.js';
import { assertNoOrphanCordon } from '../support/cordon.js';
import { createRequest, requestOf } from '../support/requests.js';
import { startWindowRig, type WindowRig } from '../support/window-rig.js';

/** Monday 5 January 2026, 21:45 UTC: inside the window below, a quarter of an hour before it closes (drains time out after 30 min). */
const MONDAY_2145 = Date.UTC(2026, 0, 5, 21, 45);
const CLOSE = Date.UTC(2026, 0, 5, 22, 0);
const MONDAY_EVENING = { days: ['Mon'], start: '20:00', end: '22:00', timeZone: 'UTC' };
const WINDOW_REASON = 'window: cluster outside its windows (Mon 20:00–22:00 UTC), next opening Mon 20:00 UTC (2026-01-12T20:00:00Z)';

/** The sweep an hour away: only the timer set at the window's close can act when it closes. */
const rig = (t: Test, o: { replicas?: number } = {}): Promise<WindowRig> => startWindowRig(t, { start: MONDAY_2145, flags: ['--resync-interval', '1h'], ...o });

const drainNote = (r: WindowRig, node: string): string => r.cluster.store.getNode(node)?.metadata.annotations?.['rebootmanager/drain'] ?? '';
const evictions = (r: WindowRig, pod: string): number => r.calls.filter((c) => c.verb === 'evict' && c.name === pod).length;
const reasons = (r: WindowRig, node: string): string[] => r.events(node).map((e) => e.reason);

/** node-1's drain is held by a budget that never lets its pod go. */
async function heldDrain(r: WindowRig, t: Test): Promise<void> {
  r.stuckPod('node-1', 'web');
  t.match(await r.preReboot('node-1'), { kind: 'draining' }, 'claimed, draining');
  t.ok(await r.until(() => /waiting on PodDisruptionBudget shop\/web/.test(drainNote(r, 'node-1'))), 'the budget holds the drain');
  t.ok(r.unschedulable('node-1'), 'cordoned by reboot-manager');
}

void t.test('Stop (the default): a drain held by a PodDisruptionBudget stops when the window closes and gives its slot back', async (t) => {
  const r = await rig(t);
  t.match(await r.applyPolicy({ windows: [MONDAY_EVENING] }), { accepted: true });
  await heldDrain(r, t);
  await r.runTo(CLOSE - 1000);
  t.same(r.holders(), ['node-1'], 'the drain goes on while the window is open');
  t.ok(await r.until(() => r.holders().length === 0, 60_000), 'the slot is given back once the window closes');
  t.notOk(r.unschedulable('node-1'), 'uncordoned: reboot-manager had cordoned it');
  t.notOk(r.cluster.store.getNode('node-1')?.metadata.annotations?.['rebootmanager/cordoned'], 'our cordon mark is gone');
  await r.until(() => reasons(r, 'node-1').includes('Uncordoned'));
  const stopped = r.events('node-1').find((e) => e.reason === 'DrainStopped');
  t.match(stopped, { type: 'Warning', message: `Drain stopped and reboot slot given back: the maintenance window closed before the drain finished (${WINDOW_REASON}); drainOutsideWindow is Stop` });
  t.same(reasons(r, 'node-1').slice(4).sort(), ['DrainStopped', 'RebootSlotReleased', 'Uncordoned'], 'after RebootSlotClaimed, Cordoned, Evicting, EvictionBlocked');
  t.equal(await r.releases('window_closed'), 1, 'counted in reboot_manager_releases_total{reason="window_closed"}');
  t.ok(r.logs.some((l) => l.level === 40 && l.node === 'node-1' && l.msg === 'drain stopped outside its maintenance window: reboot slot given back'), 'logged as a warning');

  const evicted = evictions(r, 'web-1');
  await r.runTo(CLOSE + 10 * 60_000);
  t.equal(evictions(r, 'web-1'), evicted, 'no eviction after the drain stopped');
  t.ok(r.cluster.store.getPod('shop', 'web-1'), 'the budget was never broken');

  const before = r.calls.length;
  t.match(await r.preReboot('node-1'), { ok: false, kind: 'blocked', value: WINDOW_REASON }, "Zincati's next pre-reboot waits for the next opening");
  t.same(r.calls.slice(before).filter((c) => ['get', 'list'].includes(c.verb) && c.resource !== 'leases'), [], 'answered from the caches: no Kubernetes read');
  t.same(r.holders(), []);
  assertNoOrphanCordon(t, r.cluster);
});

void t.test('a drained node that asks at the closing instant, before the leader acts on the close, is refused, not granted', async (t) => {
  const r = await rig(t);
  t.match(await r.applyPolicy({ windows: [MONDAY_EVENING] }), { accepted: true });
  r.slowPod('node-1', 'web', 60);
  // Zincati's retry falls due at the instant the window closes, ahead of the leader's timer for that close.
  let answer: Promise<unknown> | undefined;
  r.clock.setTimer(CLOSE - r.clock.now(), () => (answer = r.send('node-1')));
  t.match(await r.preReboot('node-1'), { kind: 'draining' }, 'its pod takes a minute to stop');
  t.ok(await r.until(() => /^drained/.test(drainNote(r, 'node-1'))), 'drained inside the window, not granted yet');
  await r.runTo(CLOSE);
  let settled: unknown;
  void answer?.then((a) => (settled = a));
  t.ok(await r.until(() => settled !== undefined));
  t.match(settled, { ok: false, kind: 'blocked', value: WINDOW_REASON }, 'a reboot outside the window is never granted');
  t.same(r.holders(), []);
  t.notOk(r.unschedulable('node-1'));
  t.ok(await r.until(() => reasons(r, 'node-1').includes('DrainStopped')));
  t.equal(r.events('node-1').filter((e) => e.reason === 'DrainStopped').length, 1, 'stopped once');
});

void t.test('Finish: the drain goes on after the window closes and the node is granted once drained', async (t) => {
  const r = await rig(t);
  t.match(await r.applyPolicy({ windows: [MONDAY_EVENING], drainOutsideWindow: 'Finish' }), { accepted: true });
  await heldDrain(r, t);
  const evicted = evictions(r, 'web-1');
  await r.runTo(CLOSE + 10 * 60_000);
  t.same(r.holders(), ['node-1'], 'the slot is kept');
  t.ok(r.unschedulable('node-1'), 'still cordoned');
  t.notOk(reasons(r, 'node-1').includes('DrainStopped'));
  t.ok(evictions(r, 'web-1') > evicted, 'still evicting');
  r.cluster.store.remove('poddisruptionbudgets', 'shop', 'web');
  t.ok(await r.until(() => /^drained/.test(drainNote(r, 'node-1'))), 'drained once the budget is gone');
  t.same(await r.preReboot('node-1'), OK, 'granted outside the window: the drain was allowed to finish');
});

void t.test('a node already granted keeps its slot and reboots; an urgent group drains on', async (t) => {
  const r = await rig(t);
  t.match(await r.applyPolicy({ maxUnavailable: 3, windows: [MONDAY_EVENING] }), { accepted: true });
  t.same(await r.preReboot('node-2'), OK, 'node-2 has nothing to drain: granted');
  r.stuckPod('node-3', 'db');
  t.match(await r.preReboot('node-3', 'azure-urgent'), { kind: 'draining' }, 'node-3 drains for an Azure Preempt');
  t.ok(await r.until(() => /waiting on PodDisruptionBudget shop\/db/.test(drainNote(r, 'node-3'))));
  await r.runTo(CLOSE + 10 * 60_000);
  t.same(r.holders(), ['node-2', 'node-3'], 'both keep their slots after the close');
  t.ok(r.unschedulable('node-2'), 'the granted node stays cordoned while it reboots');
  t.notOk(reasons(r, 'node-2').includes('DrainStopped'));
  t.notOk(reasons(r, 'node-3').includes('DrainStopped'), 'urgent groups ignore windows');
  t.same(await r.preReboot('node-2'), OK, 'its pre-reboot is still answered 200');

  r.cluster.store.rebootNode('node-2');
  await r.runTo(r.clock.now() + 60_000);
  r.cluster.store.setNodeReady('node-2', true);
  t.ok(await r.until(() => reasons(r, 'node-2').includes('RebootSlotReleased')), 'released once back from its reboot');
  t.same(r.holders(), ['node-3']);
  t.notOk(r.unschedulable('node-2'));
  t.equal(await r.releases('rebooted'), 1);
  t.equal(await r.releases('window_closed'), 0);
});

void t.test("an admin's cordon stays when the window stops the drain", async (t) => {
  const r = await rig(t);
  t.match(await r.applyPolicy({ maxUnavailable: 2, windows: [MONDAY_EVENING] }), { accepted: true });
  r.cluster.store.updateNode('node-1', (n) => void (n.spec = { ...n.spec, unschedulable: true }));
  r.stuckPod('node-1', 'web');
  t.match(await r.preReboot('node-1'), { kind: 'draining' });
  t.ok(await r.until(() => /waiting on PodDisruptionBudget shop\/web/.test(drainNote(r, 'node-1'))));
  await r.runTo(CLOSE);
  t.ok(await r.until(() => r.holders().length === 0), 'the slot is given back');
  t.ok(await r.until(() => reasons(r, 'node-1').includes('RebootSlotReleased')));
  t.ok(r.unschedulable('node-1'), 'still cordoned: the admin cordoned it, not reboot-manager');
  t.notOk(reasons(r, 'node-1').includes('Uncordoned'));
  t.ok(reasons(r, 'node-1').includes('DrainStopped'));
});

void t.test('a policy edit that closes the window stops a drain at once', async (t) => {
  const r = await rig(t);
  await heldDrain(r, t);
  const tuesday = { days: ['Tue'], start: '20:00', end: '22:00', timeZone: 'UTC' };
  t.match(await r.applyPolicy({ windows: [tuesday] }), { accepted: true });
  t.ok(await r.until(() => r.holders().length === 0, 1000), 'given back as soon as the edit is in force');
  t.notOk(r.unschedulable('node-1'));
  t.match(await r.preReboot('node-1'), { kind: 'blocked', value: /^window: cluster outside its windows \(Tue 20:00–22:00 UTC\), next opening Tue 20:00 UTC/ });
});

void t.test('the window closes while no replica leads: the next leader stops the drain', async (t) => {
  const r = await rig(t, { replicas: 2 });
  t.match(await r.applyPolicy({ windows: [MONDAY_EVENING] }), { accepted: true });
  await heldDrain(r, t);
  const old = r.leader();
  await r.runTo(CLOSE - 5_000);
  r.replicas.crash(old.identity);
  await r.runTo(CLOSE + 1_000);
  t.same(r.holders(), ['node-1'], 'nobody leads as the window closes: the slot is still held');
  t.ok(await r.until(() => r.holders().length === 0, 120_000), 'the next leader gives it back');
  const next = r.leader();
  t.not(next.identity, old.identity);
  t.ok(await r.until(() => reasons(r, 'node-1').includes('Uncordoned')));
  t.match(r.events('node-1').find((e) => e.reason === 'DrainStopped'), { instance: next.identity }, 'recorded by the new leader');
  t.notOk(r.unschedulable('node-1'));
  assertNoOrphanCordon(t, r.cluster);
});

void t.test('a MaintenanceRequest claimed as its window closes is given back, never approved after the close', async (t) => {
  const r = await rig(t);
  t.match(await r.applyPolicy({ windows: [MONDAY_EVENING] }), { accepted: true });
  // Claimed inside the window; the claim's write lands after the close, so the grant that follows would be outside it.
  await r.runTo(CLOSE - 3);
  createRequest(r.cluster, 'fw', { nodeName: 'node-1', drain: false });
  const message = (): string => requestOf(r.cluster, 'fw')?.status?.message ?? '';
  t.ok(await r.until(() => message().startsWith('blocked: window')), 'pending with the window reason');
  t.equal(message(), `blocked: ${WINDOW_REASON}`);
  const status = requestOf(r.cluster, 'fw')?.status;
  t.equal(status?.phase, 'Pending');
  t.notOk(status?.times?.approved, 'never approved');
  t.ok(status?.times?.claimed, 'it had claimed the slot inside the window');
  t.same(r.holders(), []);
  t.ok(await r.until(() => reasons(r, 'node-1').includes('RebootSlotReleased')));
  t.notOk(reasons(r, 'node-1').includes('RebootGranted'));
  t.equal(r.events('node-1').filter((e) => e.reason === 'DrainStopped').length, 1, 'stopped once, as a FleetLock drain is');
  t.equal(await r.releases('window_closed'), 1);
});
