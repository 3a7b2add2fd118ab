// The project's own informer: list then watch, relist after 410 Gone, resync on demand; on a virtual clock.
import t, { type Test } from 'tap';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { NodeCache, type NodeEvent } from '../../src/kube/nodes.js';
import { runUntil } from '../../src/sim/dst/drive.js';
import { createMemoryCluster, type ApiFaults } from '../../src/sim/kube/memory-api.js';
import { machineIdFor, makeNode } from '../../src/sim/kube/fixtures.js';

function setUp(t: Test, historyLimit = 10_000) {
  const clock = new VirtualClock();
  const cluster = createMemoryCluster({ clock, historyLimit });
  t.teardown(() => cluster.close());
  const watch = { dropNext: false, lagMs: 0 };
  const faults: ApiFaults = {
    onCall: () => ({ kind: 'none' }),
    onWatchEvent: () => {
      if (!watch.dropNext) return { delayMs: watch.lagMs };
      watch.dropNext = false;
      return { drop: true };
    },
  };
  for (let i = 1; i <= 3; i++) cluster.store.createNode(makeNode({ name: `node-${i}`, machineID: machineIdFor(i) }));
  const events: string[] = [];
  const cache = new NodeCache({ api: cluster.api({ faults }), clock, pageSize: 2, random: () => 0.5 });
  cache.on((e: NodeEvent) => events.push(`${e.type} ${e.key}`));
  cache.start();
  t.teardown(() => cache.stop());
  const annotate = (name: string, value: string) => cluster.store.updateNode(name, (n) => void (n.metadata.annotations = { ...n.metadata.annotations, 'rebootmanager/phase': value }));
  return { clock, cluster, cache, events, watch, annotate, until: (done: () => boolean, ms = 120_000) => runUntil(clock, done, ms) };
}

void t.test('lists in pages, then follows the watch; changes it does not keep raise no event', async (t) => {
  const s = setUp(t);
  t.ok(await s.until(() => s.cache.synced));
  t.same([...s.cache.values()].map((n) => n.name).sort(), ['node-1', 'node-2', 'node-3']);
  s.annotate('node-2', 'draining');
  s.cluster.store.updateNode('node-3', (n) => void (n.metadata.labels = { ...n.metadata.labels, team: 'x' }));
  t.ok(await s.until(() => s.cache.get('node-2')?.annotations['rebootmanager/phase'] === 'draining'));
  t.same(s.events, ['added node-1', 'added node-2', 'added node-3', 'modified node-2'], 'a label we do not keep is no event');
});

void t.test('a watch that breaks while history is compacted ends in 410: the cache relists and misses nothing', async (t) => {
  const s = setUp(t, 5);
  t.ok(await s.until(() => s.cache.synced));
  s.watch.dropNext = true;
  s.annotate('node-1', 'claimed'); // this event breaks the watch
  // While the reflector backs off, more changes than the history keeps, and a deletion.
  for (let i = 0; i < 10; i++) s.annotate('node-2', `step-${i}`);
  s.cluster.store.deleteNode('node-3');
  t.ok(await s.until(() => s.cache.get('node-3') === undefined && s.cache.get('node-2')?.annotations['rebootmanager/phase'] === 'step-9'));
  t.equal(s.cache.get('node-1')?.annotations['rebootmanager/phase'], 'claimed');
  t.ok(s.events.includes('deleted node-3'), 'the deletion seen only by the relist is an event too');
});

void t.test('resync brings a lagging cache up to the API server at once', async (t) => {
  const s = setUp(t);
  t.ok(await s.until(() => s.cache.synced));
  s.watch.lagMs = 60_000;
  s.annotate('node-1', 'drained');
  await s.until(() => false, 1_000);
  t.equal(s.cache.get('node-1')?.annotations['rebootmanager/phase'], undefined, 'the watch lags');
  let done = false;
  void s.cache.resync().then(() => (done = true));
  t.ok(await s.until(() => done, 5_000));
  t.equal(s.cache.get('node-1')?.annotations['rebootmanager/phase'], 'drained', 'after resync the cache holds what was committed before it');
});
