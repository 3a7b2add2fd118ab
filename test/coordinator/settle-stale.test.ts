import { FLEETLOCK } from '../../src/slot/slot.js';
import t from 'tap';
import { StaleHolders } from '../../src/coordinator/stale.js';
import { startCluster } from '../support/cluster.js';

void t.test('--settle-time: after a release, the next node waits; an urgent group does not', async (t) => {
  const c = await startCluster(t, { nodes: 3, flags: ['--settle-time', '1h'] });
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  c.sim.store.rebootNode('node-01');
  c.sim.store.setNodeReady('node-01', true);
  await c.sim.store.waitFor(() => c.holders().length === 0);
  t.match(c.sim.store.getNode('node-01')?.metadata.annotations?.['rebootmanager/released-at'], /^\d{4}-\d\d-\d\dT/, 'the release time stays on the node');
  t.match(await c.preReboot('node-02'), { ok: false, status: 423, kind: 'slots_full', value: /settling: node node-01 was released \d+ s ago; the next node may start in \d+ s/ });
  t.same(c.holders(), []);
  t.same(await c.preReboot('node-03', 'azure-urgent'), { ok: true, status: 200 }, 'a VM about to vanish does not wait');
});

void t.test('a holder away longer than --stale-after is reported: Warning Event, metric', async (t) => {
  const c = await startCluster(t, { nodes: 2, flags: ['--stale-after', '0', '--resync-interval', '100ms'] });
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  const event = await c.sim.store.waitFor(() =>
    c.sim.store.list('events', 'default').find((e) => (e as { reason?: string }).reason === 'StaleHolder'),
  );
  t.match(event, { type: 'Warning', involvedObject: { kind: 'Node', name: 'node-01' }, message: /reboot-manager release node-01/ });
  const leader = await c.leader();
  const metrics = await (await fetch(new URL('metrics', leader.internalUrl))).text();
  t.match(metrics, /^reboot_manager_stale_holders 1$/m);
});

void t.test('a stale holder is reported once per slot, and the count follows the holders', async (t) => {
  const recorded: string[] = [];
  const counts: number[] = [];
  const stale = new StaleHolders({
    staleAfterMs: 60_000,
    events: { record: (node, type, reason) => recorded.push(`${node.name} ${type} ${reason}`) },
    log: { warn: () => undefined },
    onCount: (n) => counts.push(n),
  });
  const claimedAt = '2026-01-01T00:00:00.000Z';
  const holder = (name: string, at = claimedAt) => ({
    node: { name, uid: name, resourceVersion: '1', machineId: '', bootId: 'b', ready: true, heartbeat: '', unschedulable: false, addresses: [], annotations: {}, labels: {}, readySince: 0, lifecycle: {} },
    slot: { source: FLEETLOCK, group: 'default', id: 'x', claim: at, phase: 'drained' as const, claimedAt: at, bootId: 'b', cordonedByUs: false, releaseRequestedAt: null, drain: null },
  });
  const later = Date.parse(claimedAt) + 120_000;
  t.same(stale.check([holder('a'), holder('b', new Date(later).toISOString())], later).map((s) => s.name), ['a']);
  stale.check([holder('a')], later);
  t.same(recorded, ['a Warning StaleHolder'], 'one Event for one stale slot, however many sweeps');
  stale.check([], later);
  stale.check([holder('a', '2026-01-01T00:00:30.000Z')], later);
  t.same(recorded, ['a Warning StaleHolder', 'a Warning StaleHolder'], 'a new slot of the same node is reported again');
  t.same(counts, [1, 1, 0, 1]);
});
