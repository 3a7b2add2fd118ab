// The slot as KEP-5683 lifecycle conditions: what each phase says, and only the difference is written.
import t from 'tap';
import type { ConditionWrite, LifecycleConditions } from '../../src/kube/node-view.js';
import { desiredConditions, lifecycleChanges } from '../../src/slot/lifecycle-conditions.js';
import { FLEETLOCK, NO_PROGRESS, type Phase, type Slot } from '../../src/slot/slot.js';

const AT = Date.parse('2026-04-01T12:00:05.123Z');
const NOW = '2026-04-01T12:00:05Z';
const slot = (phase: Phase, over: Partial<Slot> = {}): Slot => ({
  source: FLEETLOCK,
  group: 'workers',
  id: 'f00d',
  claim: 'c1',
  phase,
  claimedAt: '2026-04-01T12:00:00.000Z',
  bootId: 'b1',
  cordonedByUs: true,
  releaseRequestedAt: null,
  drain: null,
  ...over,
});
const HOLDER = 'FleetLock id f00d in group workers since 2026-04-01T12:00:00.000Z';

/** The conditions as they stand after `writes`, as the API server would merge them by type. */
function applied(present: LifecycleConditions, writes: readonly ConditionWrite[]): LifecycleConditions {
  const out: Record<string, { status: string; reason: string; message: string }> = { ...present };
  for (const w of writes) out[w.type] = { status: w.status, reason: w.reason, message: w.message };
  return out;
}

const statuses = (c: LifecycleConditions) => Object.fromEntries(Object.entries(c).map(([type, v]) => [type, `${v.status} ${v.reason}`]));

void t.test('a FleetLock claim, phase by phase, then the release', async (t) => {
  let node: LifecycleConditions = {};
  const step = (s: Slot | undefined) => {
    const writes = lifecycleChanges(s, node, AT);
    node = applied(node, writes);
    t.same(lifecycleChanges(s, node, AT + 1000), [], 'written once: the next look finds nothing to change');
    return writes;
  };

  t.same(step(slot('claimed')), [{ type: 'MaintenancePlanned', status: 'True', reason: 'RebootRequested', message: `reboot slot held by ${HOLDER}`, lastTransitionTime: NOW, lastHeartbeatTime: NOW }], 'claimed: only MaintenancePlanned, on a node that had none');

  t.same(statuses(applied(node, step(slot('draining')))), { MaintenancePlanned: 'True RebootRequested', DrainInProgress: 'True RebootRequested' }, 'draining: DrainInProgress added');
  t.equal(node.DrainInProgress?.message, `draining for ${HOLDER}`);

  const drained = step(slot('drained', { drain: { ...NO_PROGRESS, evicted: 3, total: 3, done: 'drained' } }));
  t.same(
    drained.map((w) => `${w.type} ${w.status} ${w.reason}`),
    ['MaintenanceInProgress True RebootRequested', 'DrainInProgress False DrainCompleted', 'Drained True DrainCompleted'],
    'drained: the node may go down; MaintenancePlanned is left as it is',
  );
  t.equal(node.Drained?.message, `drained, for ${HOLDER}`);
  t.ok(drained.every((w) => w.lastTransitionTime === NOW && w.lastHeartbeatTime === NOW), 'each changed status, so each gets new times');

  const released = step(undefined);
  t.same(statuses(node), { MaintenancePlanned: 'False MaintenanceCompleted', DrainInProgress: 'False MaintenanceCompleted', Drained: 'False MaintenanceCompleted', MaintenanceInProgress: 'False MaintenanceCompleted' }, 'released: every one False');
  t.notOk(released.find((w) => w.type === 'DrainInProgress')?.lastTransitionTime, 'DrainInProgress was False already: its reason changes, its times do not');
});

void t.test('a finished drain is Drained at once; in progress only once the holder is told to go', async (t) => {
  const progress = { ...NO_PROGRESS, evicted: 2, total: 2, done: 'drained' as const };
  const draining: LifecycleConditions = applied({}, lifecycleChanges(slot('draining'), {}, AT));
  const done = applied(draining, lifecycleChanges(slot('draining', { drain: progress }), draining, AT));
  t.same(statuses(done), { MaintenancePlanned: 'True RebootRequested', DrainInProgress: 'False DrainCompleted', Drained: 'True DrainCompleted' }, 'MaintenanceInProgress is not added False');
  t.same(statuses(applied(done, lifecycleChanges(slot('drained', { drain: progress }), done, AT))), { ...statuses(done), MaintenanceInProgress: 'True RebootRequested' }, 'granted: in progress');
});

void t.test('a drain timed out with policy grant says so', async (t) => {
  const granted = desiredConditions(slot('drained', { drain: { ...NO_PROGRESS, evicted: 1, total: 3, timedOut: { afterMs: 600_000, policy: 'grant' }, done: 'granted' } }));
  t.match(granted.Drained, { status: 'True', reason: 'DrainTimedOut', message: /^drain timed out; reboot granted anyway with 2 pods left \(policy grant\), for FleetLock id f00d/ });
  t.same(desiredConditions(slot('drained')), desiredConditions(slot('drained', { drain: { ...NO_PROGRESS, done: 'drained' } })), 'progress recorded after the grant changes nothing');
});

void t.test('a node reboot-manager never wrote gets nothing, claimed or not', async (t) => {
  t.same(lifecycleChanges(undefined, {}, AT), [], 'an idle node: no write at all');
  t.same(
    lifecycleChanges(slot('claimed'), {}, AT).map((w) => w.type),
    ['MaintenancePlanned'],
    'False conditions are never added: the drain that has not started is not written',
  );
});

void t.test("another actor's conditions are never written, whatever the slot says", async (t) => {
  const admin: LifecycleConditions = {
    MaintenancePlanned: { status: 'True', reason: 'AdminRequested', message: 'disk swap on Tuesday' },
    Drained: { status: 'False', reason: 'AdminRequested', message: '' },
  };
  for (const s of [undefined, slot('claimed'), slot('draining'), slot('drained')]) {
    const writes = lifecycleChanges(s, admin, AT);
    t.notOk(writes.some((w) => w.type === 'MaintenancePlanned' || w.type === 'Drained'), `${s?.phase ?? 'no slot'}: the admin's two stay`);
  }
  t.same(lifecycleChanges(slot('drained'), admin, AT).map((w) => w.type), ['MaintenanceInProgress'], 'ours is still written next to theirs');
});

void t.test('a True condition of ours the slot does not explain goes False', async (t) => {
  const leftBehind: LifecycleConditions = {
    MaintenancePlanned: { status: 'True', reason: 'RebootRequested', message: 'reboot slot held by an older claim' },
    MaintenanceInProgress: { status: 'True', reason: 'RebootRequested', message: 'an older claim may take the node down now' },
    Drained: { status: 'True', reason: 'DrainCompleted', message: 'drained: 1 pod evicted' },
  };
  t.same(statuses(applied(leftBehind, lifecycleChanges(undefined, leftBehind, AT))), { MaintenancePlanned: 'False MaintenanceCompleted', MaintenanceInProgress: 'False MaintenanceCompleted', Drained: 'False MaintenanceCompleted' }, 'no slot: cleared');
  const claimed = applied(leftBehind, lifecycleChanges(slot('claimed'), leftBehind, AT));
  t.same(statuses(claimed), { MaintenancePlanned: 'True RebootRequested', MaintenanceInProgress: 'False RebootRequested', Drained: 'False RebootRequested' }, 'a new claim: only what it says is True');
  t.equal(claimed.MaintenancePlanned?.message, `reboot slot held by ${HOLDER}`, 'and its message names the new holder');
});
