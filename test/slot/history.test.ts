// The pieces of "who waits" and "what happened" as data: a wait's count and lapse, a drain's blocked spans, and
// the history a release writes, bounded per node.
import t from 'tap';
import { BlockedSpans } from '../../src/drain/blocked-spans.js';
import type { NodeView } from '../../src/kube/node-view.js';
import { Annotation } from '../../src/slot/encoding.js';
import { HISTORY_PER_NODE, historyOf } from '../../src/slot/history.js';
import { FLEETLOCK, NO_PROGRESS, type Slot } from '../../src/slot/slot.js';
import { releaseChange } from '../../src/slot/transitions.js';
import { refusedAgain, WAIT_LAPSES_AFTER_MS, waitingNow } from '../../src/slot/waiting.js';

const T0 = Date.parse('2026-12-03T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const NODE: NodeView = { name: 'n1', uid: 'u', resourceVersion: '1', machineId: 'm', bootId: 'b2', ready: true, heartbeat: '', unschedulable: true, addresses: [], annotations: {}, labels: {}, readySince: T0 + 90_000, lifecycle: {} };
const SLOT: Slot = { source: FLEETLOCK, group: 'default', id: 'zid', claim: 'c', phase: 'drained', claimedAt: iso(T0), bootId: 'b1', cordonedByUs: true, releaseRequestedAt: null, drain: null };

void t.test('a wait counts its asks from its first refusal; one not renewed for 30 minutes lapses and starts afresh', async (t) => {
  const full = { group: 'default', kind: 'slots_full', reason: 'all 1 slot(s) held' };
  const w1 = refusedAgain(undefined, full, T0);
  const w2 = refusedAgain(w1, { ...full, kind: 'blocked', reason: 'paused' }, T0 + 300_000);
  t.match(w2, { since: iso(T0), last: iso(T0 + 300_000), asks: 2, kind: 'blocked', reason: 'paused' });
  const annotated = { annotations: { [Annotation.waiting]: JSON.stringify(w2) } };
  t.ok(waitingNow(annotated, T0 + 300_000 + WAIT_LAPSES_AFTER_MS - 1), 'still waiting just before the lapse');
  t.notOk(waitingNow(annotated, T0 + 300_000 + WAIT_LAPSES_AFTER_MS), 'not waiting after it');
  t.match(refusedAgain(w2, full, T0 + 300_000 + WAIT_LAPSES_AFTER_MS), { since: iso(T0 + 300_000 + WAIT_LAPSES_AFTER_MS), asks: 1 }, 'a lapsed wait starts afresh');
  t.notOk(waitingNow({ annotations: { [Annotation.waiting]: '{not json' } }, T0), 'a hand-edited wait reads as none');
});

void t.test('a drain records each blocker from when it was seen until it cleared', async (t) => {
  const spans = new BlockedSpans();
  spans.observe(['PodDisruptionBudget shop/web'], T0);
  spans.observe(['PodDisruptionBudget shop/web', 'PodDisruptionBudget shop/db'], T0 + 1000);
  const after = spans.observe([], T0 + 61_000);
  t.same(after, [
    { what: 'PodDisruptionBudget shop/web', from: iso(T0), to: iso(T0 + 61_000) },
    { what: 'PodDisruptionBudget shop/db', from: iso(T0 + 1000), to: iso(T0 + 61_000) },
  ]);
  const resumed = new BlockedSpans([{ what: 'x', from: iso(T0), to: null }]);
  t.same(resumed.observe(['x'], T0 + 5000), [{ what: 'x', from: iso(T0), to: null }], 'a new leader carries an open span on');
  const many = new BlockedSpans();
  for (let i = 0; i < 20; i++) many.observe([`b${i}`], T0 + i);
  t.equal(many.observe([], T0 + 100).length, 8, 'bounded');
});

void t.test('a release writes the timeline into the history, newest first, the last few kept', async (t) => {
  const drain = { ...NO_PROGRESS, evicted: 3, total: 3, done: 'drained' as const, doneAt: iso(T0 + 20_000), blocked: [{ what: 'PodDisruptionBudget shop/web', from: iso(T0 + 1000), to: iso(T0 + 15_000) }] };
  const holding: NodeView = {
    ...NODE,
    annotations: { [Annotation.askedAt]: iso(T0 - 60_000), [Annotation.grantedAt]: iso(T0 + 30_000), [Annotation.downAt]: iso(T0 + 40_000) },
  };
  const change = releaseChange(holding, { ...SLOT, drain }, T0 + 100_000, 'rebooted');
  const released = { ...NODE, annotations: Object.fromEntries(Object.entries(change.annotations ?? {}).filter((e): e is [string, string] => e[1] !== null)) };
  t.same(historyOf(released), [
    {
      source: 'fleetlock', holder: 'zid', group: 'default', asked: iso(T0 - 60_000), claimed: iso(T0), drained: iso(T0 + 20_000), granted: iso(T0 + 30_000),
      down: iso(T0 + 40_000), back: iso(T0 + 90_000), released: iso(T0 + 100_000), reason: 'rebooted', rebooted: true, evicted: 3, blocked: drain.blocked,
    },
  ]);
  t.equal(change.annotations?.[Annotation.askedAt], null, 'the timeline of the slot goes with it');
  let node = released;
  for (let i = 0; i < 10; i++) {
    const next = releaseChange(node, { ...SLOT, claimedAt: iso(T0 + i) }, T0 + 200_000 + i, 'steady_state');
    node = { ...node, annotations: { ...node.annotations, [Annotation.history]: next.annotations?.[Annotation.history] ?? '' } };
  }
  const kept = historyOf(node);
  t.equal(kept.length, HISTORY_PER_NODE, `the last ${HISTORY_PER_NODE} reboots per node`);
  t.equal(kept[0]?.released, iso(T0 + 200_009), 'newest first');
  t.same(historyOf({ annotations: { [Annotation.history]: '[{"bogus":1}]' } }), [], 'records it cannot read are dropped');
});
