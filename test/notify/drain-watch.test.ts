// Drains blocked too long: told once per drain per blocker set, and again only when what blocks changes.
import t from 'tap';
import type { NodeView } from '../../src/kube/node-view.js';
import { BlockedDrains } from '../../src/notify/drain-watch.js';
import type { Holder } from '../../src/slot/holders.js';
import { NO_PROGRESS, type Slot } from '../../src/slot/slot.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);

function holder(name: string, blockers: string[], opts: { claim?: string; done?: 'drained' } = {}): Holder {
  const slot: Slot = {
    source: { kind: 'fleetlock' },
    group: 'default',
    id: `id-${name}`,
    claim: opts.claim ?? 'c1',
    phase: 'draining',
    claimedAt: new Date(T0).toISOString(),
    bootId: 'b1',
    cordonedByUs: true,
    releaseRequestedAt: null,
    drain: { ...NO_PROGRESS, total: 3, evicted: 1, blockers, done: opts.done ?? null },
  };
  return { node: { name } as NodeView, slot };
}

void t.test('told once the same blockers have held the drain for the configured time, then not again', async (t) => {
  const drains = new BlockedDrains(15 * MIN);
  const pdb = ['PodDisruptionBudget shop/web'];
  t.same(drains.check([holder('node-1', pdb)], T0), []);
  t.same(drains.check([holder('node-1', pdb)], T0 + 14 * MIN), [], 'not yet');
  t.same(drains.check([holder('node-1', pdb)], T0 + 15 * MIN), [
    { kind: 'drain-blocked', node: 'node-1', group: 'default', source: { kind: 'fleetlock', id: 'id-node-1' }, at: T0 + 15 * MIN, blockers: pdb, since: T0 },
  ]);
  t.same(drains.check([holder('node-1', pdb)], T0 + 60 * MIN), [], 'once per blocker set');
});

void t.test('a new blocker set, a new drain, or blockers that went and came back start the wait again', async (t) => {
  const drains = new BlockedDrains(10 * MIN);
  drains.check([holder('node-1', ['PodDisruptionBudget shop/web'])], T0);
  t.equal(drains.check([holder('node-1', ['PodDisruptionBudget shop/web'])], T0 + 10 * MIN).length, 1);
  const more = ['PodDisruptionBudget shop/web', 'pod shop/db-0 has no controller'];
  t.same(drains.check([holder('node-1', more)], T0 + 11 * MIN), [], 'what blocks changed: counted from now');
  t.match(drains.check([holder('node-1', [...more].reverse())], T0 + 21 * MIN), [{ since: T0 + 11 * MIN, blockers: [...more].reverse() }], 'order does not matter');
  t.same(drains.check([holder('node-1', more, { claim: 'c2' })], T0 + 22 * MIN), [], 'a new claim is a new drain');
  t.equal(drains.check([holder('node-1', more, { claim: 'c2' })], T0 + 32 * MIN).length, 1);
  drains.check([holder('node-1', [], { claim: 'c2' })], T0 + 33 * MIN);
  drains.check([holder('node-1', more, { claim: 'c2' })], T0 + 34 * MIN);
  t.equal(drains.check([holder('node-1', more, { claim: 'c2' })], T0 + 44 * MIN).length, 1, 'unblocked, then blocked again: news again');
  t.same(drains.check([holder('node-2', more, { done: 'drained' })], T0 + 100 * MIN), [], 'a finished drain is never reported');
});
