// What a drain disturbed: one JSON annotation, capped, written with the drain progress, kept by every kind of
// release, cleared by the next claim, and marked settled by the health gate.
import t from 'tap';
import { toNodeView, type NodeView } from '../../src/kube/node-view.js';
import { makeNode } from '../../src/sim/kube/fixtures.js';
import { MAX_DISTURBED, NOTHING_DISTURBED, decodeDisturbed, encodeDisturbed, withDisturbance, type Disturbed } from '../../src/slot/disturbed.js';
import { Annotation, disturbedOf } from '../../src/slot/encoding.js';
import { FLEETLOCK, NO_PROGRESS } from '../../src/slot/slot.js';
import { claim, markDrained, recordDrain, releaseByOperator, releaseIfBack, settleRelease, startDrain, steadyState, withdraw } from '../../src/slot/transitions.js';
import type { Decision } from '../../src/kube/nodes.js';

const AT = Date.UTC(2026, 0, 1);
const WEB: Disturbed = { workloads: [{ kind: 'Deployment', namespace: 'shop', name: 'web' }], budgets: [{ namespace: 'shop', name: 'web' }], omitted: 0, settled: null };

/** Applies a decision's write to a view, as the API server would. */
function apply<O>(node: NodeView, d: Decision<O>): NodeView {
  if (!d.write) return node;
  const annotations: Record<string, string> = { ...node.annotations };
  for (const [k, v] of Object.entries(d.write.annotations ?? {})) {
    if (v === null) delete annotations[k];
    else annotations[k] = v;
  }
  return { ...node, annotations, unschedulable: d.write.unschedulable ?? node.unschedulable };
}

/** A node that claimed, drained (recording WEB) and was granted. */
function drainedNode(): NodeView {
  let node = toNodeView(makeNode({ name: 'node-a', machineID: 'a'.repeat(32), bootID: 'boot-1' }));
  node = apply(node, claim(node, { source: FLEETLOCK, group: 'default', id: 'id', claim: 'c1', at: AT }));
  node = apply(node, startDrain(node, 'c1'));
  node = apply(node, recordDrain(node, 'c1', { ...NO_PROGRESS, evicted: 1, total: 1, done: 'drained' }, WEB));
  return apply(node, markDrained(node, 'c1', AT));
}

void t.test('the record round-trips; lists are capped and the rest counted; garbage reads as no record', async (t) => {
  t.same(decodeDisturbed(encodeDisturbed(WEB)), WEB);
  const many = Array.from({ length: MAX_DISTURBED + 5 }, (_, i) => ({ kind: 'StatefulSet', namespace: 'db', name: `db-${i}` }));
  const d = withDisturbance(NOTHING_DISTURBED, [...many, ...many], [{ namespace: 'db', name: 'pdb' }, { namespace: 'db', name: 'pdb' }]);
  t.equal(d.workloads.length, MAX_DISTURBED);
  t.equal(d.budgets.length, 1, 'duplicates are named once');
  t.equal(d.omitted, 5, 'the workloads past the cap are counted once each');
  t.ok(encodeDisturbed(d).length < 4096, 'the annotation stays a few KB');
  t.same(withDisturbance(WEB, WEB.workloads, WEB.budgets), WEB, 'adding what is there changes nothing');
  t.equal(decodeDisturbed('{not json'), undefined);
  t.equal(decodeDisturbed(undefined), undefined);
  t.same(decodeDisturbed('{"workloads":[{"kind":"Deployment"}],"budgets":"x","omitted":-3,"settled":{"at":"","by":"whole"}}'), NOTHING_DISTURBED, 'broken entries are dropped');
});

void t.test('the drain writes the record with its progress, and not again when nothing changed', async (t) => {
  const node = drainedNode();
  t.same(disturbedOf(node), WEB);
  t.notOk(recordDrain(node, 'c1', { ...NO_PROGRESS, evicted: 1, total: 1, done: 'drained' }, WEB).write, 'same progress and record: no write');
  const more = withDisturbance(WEB, [{ kind: 'StatefulSet', namespace: 'db', name: 'db' }], []);
  t.same(decodeDisturbed(recordDrain(node, 'c1', { ...NO_PROGRESS, evicted: 1, total: 1, done: 'drained' }, more).write?.annotations?.[Annotation.disturbed] ?? ''), more, 'a new workload is written');
  t.same(recordDrain(node, 'other-claim', NO_PROGRESS, more), { outcome: 'claim-gone' }, 'another claim writes nothing');
});

void t.test('every kind of release keeps the record; the next claim clears it', async (t) => {
  const node = drainedNode();
  const back = { ...node, bootId: 'boot-2' };
  const released = [
    apply(back, steadyState(back, 'default', AT + 1000)),
    apply(back, releaseIfBack(back, AT + 1000)),
    apply(node, releaseByOperator(node, AT + 1000)),
  ];
  for (const r of released) {
    t.equal(r.annotations[Annotation.status], 'Ready');
    t.equal(r.annotations[Annotation.releasedAt], new Date(AT + 1000).toISOString());
    t.same(disturbedOf(r), WEB, 'the record outlives the slot');
    t.equal(r.annotations[Annotation.drainProgress], undefined, 'the slot annotations are gone');
  }
  const draining = apply(drainedNode(), { write: { annotations: { [Annotation.phase]: 'draining' } }, outcome: null });
  t.same(disturbedOf(apply(draining, withdraw(draining, 'c1', AT + 1000, 'withdrawn'))), WEB, 'a withdrawn drain keeps what it disturbed');

  const reclaimed = apply(released[0] as NodeView, claim(released[0] as NodeView, { source: FLEETLOCK, group: 'default', id: 'id', claim: 'c2', at: AT + 5000 }));
  t.equal(reclaimed.annotations[Annotation.disturbed], undefined, 'the next claim clears it; its drain writes its own');
});

void t.test('settling marks the release the gate is done with, once, and only that release', async (t) => {
  const node = drainedNode();
  const released = apply(node, releaseByOperator(node, AT + 1000));
  const iso = new Date(AT + 1000).toISOString();
  const settled = settleRelease(released, iso, 'whole', AT + 2000);
  t.equal(settled.outcome, 'settled');
  const after = apply(released, settled);
  t.same(disturbedOf(after), { ...WEB, settled: { at: new Date(AT + 2000).toISOString(), by: 'whole' } });
  t.same(settleRelease(after, iso, 'timeout', AT + 3000), { outcome: 'settled' }, 'marked already: no write');
  t.same(settleRelease(released, new Date(AT).toISOString(), 'whole', AT + 2000), { outcome: 'moved-on' }, 'another release: no write');
  t.same(settleRelease(node, iso, 'whole', AT + 2000), { outcome: 'moved-on' }, 'a holder: no write');
});
