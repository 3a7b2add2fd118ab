// Watches: ordered events, resume from a resourceVersion, 410 Expired, selectors, bookmarks, client-node informers.
import { CoreV1Api, makeInformer, Watch } from '@kubernetes/client-node';
import type { V1Node } from '@kubernetes/client-node';
import t from 'tap';
import { makeNode } from '../../src/sim/kube/index.js';
import { kubeConfig, raw, rawWatch, Signal, simFor } from '../support/sim-helpers.js';

const node = (name: string, labels: Record<string, string> = {}) => makeNode({ name, machineID: 'a'.repeat(32), labels });

void t.test('events arrive in order and a watch resumes from a resourceVersion', async (t) => {
  const sim = await simFor(t);
  const list = (await raw(sim, 'GET', '/api/v1/nodes')).json<{ metadata: { resourceVersion: string } }>();
  const w = rawWatch(sim, `/api/v1/nodes?watch=true&resourceVersion=${list.metadata.resourceVersion}`);
  t.teardown(w.close);
  await sim.store.waitFor(() => sim.openWatches() === 1);
  sim.store.createNode(node('n1'));
  const afterAdd = sim.store.resourceVersion();
  sim.store.setNodeReady('n1', false);
  sim.store.deleteNode('n1');
  const events = [await w.next(), await w.next(), await w.next()];
  t.same(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
  const rvs = events.map((e) => Number(e.object.metadata?.resourceVersion));
  t.ok(rvs[0]! < rvs[1]! && rvs[1]! < rvs[2]!, 'resourceVersions increase');

  const resumed = rawWatch(sim, `/api/v1/nodes?watch=1&resourceVersion=${afterAdd}`);
  t.teardown(resumed.close);
  t.same([(await resumed.next()).type, (await resumed.next()).type], ['MODIFIED', 'DELETED'], 'only what happened after the version');
});

void t.test('a watch from a compacted resourceVersion gets one ERROR 410 Expired and ends', async (t) => {
  const sim = await simFor(t, { historyLimit: 3 });
  const start = sim.store.resourceVersion();
  sim.store.createNode(node('n1'));
  for (let i = 0; i < 5; i++) sim.store.updateNode('n1', (n) => void (n.metadata.labels = { ...n.metadata.labels, i: String(i) }));
  const w = rawWatch(sim, `/api/v1/nodes?watch=true&resourceVersion=${start}`);
  const e = await w.next();
  t.equal(e.type, 'ERROR');
  t.match(e.object, { kind: 'Status', code: 410, reason: 'Expired', status: 'Failure' });
  t.equal(await w.ended, 'end', 'then the stream ends cleanly');
  t.equal(sim.requests.count({ verb: 'watch', resource: 'nodes', status: 200 }), 1, 'answered with HTTP 200 like a real server');
});

void t.test('no resourceVersion: current objects first; label selector transitions become ADDED/DELETED', async (t) => {
  const sim = await simFor(t);
  sim.store.createNode(node('a', { pool: 'blue' }));
  sim.store.createNode(node('b'));
  const w = rawWatch(sim, '/api/v1/nodes?watch=true&labelSelector=pool%3Dblue');
  t.teardown(w.close);
  const first = await w.next();
  t.match(first, { type: 'ADDED', object: { metadata: { name: 'a' } } });
  sim.store.updateNode('b', (n) => void (n.metadata.labels = { ...n.metadata.labels, pool: 'blue' }));
  t.match(await w.next(), { type: 'ADDED', object: { metadata: { name: 'b' } } }, 'entering the selection is ADDED');
  sim.store.updateNode('a', (n) => void (n.metadata.labels = { ...n.metadata.labels, pool: 'green' }));
  t.match(await w.next(), { type: 'DELETED', object: { metadata: { name: 'a' } } }, 'leaving it is DELETED');
});

void t.test('bookmarks carry the current resourceVersion; timeoutSeconds ends the stream', async (t) => {
  const sim = await simFor(t, { bookmarkIntervalMs: 5 });
  sim.store.createNode(node('a'));
  const w = rawWatch(sim, `/api/v1/nodes?watch=true&resourceVersion=${sim.store.resourceVersion()}&allowWatchBookmarks=true&timeoutSeconds=1`);
  const b = await w.next();
  t.equal(b.type, 'BOOKMARK');
  t.equal(b.object.metadata?.resourceVersion, sim.store.resourceVersion());
  t.equal(await w.ended, 'end');
});

void t.test('dropWatches breaks open streams', async (t) => {
  const sim = await simFor(t);
  const w = rawWatch(sim, '/api/v1/nodes?watch=true');
  await sim.store.waitFor(() => sim.openWatches() === 1);
  t.equal(sim.faults.dropWatches('pods'), 0, 'only the named resource');
  t.equal(sim.faults.dropWatches('nodes'), 1);
  t.equal(await w.ended, 'error', 'the client sees a broken stream, not a clean end');
});

void t.test("client-node Watch and an informer that relists after 410", async (t) => {
  const sim = await simFor(t, { historyLimit: 5 });
  const kc = kubeConfig(sim);
  sim.store.createNode(node('n1'));

  const seen: string[] = [];
  const signal = new Signal();
  const watch = new Watch(kc);
  const ctrl = await watch.watch('/api/v1/nodes', {}, (type, obj: V1Node) => {
    seen.push(`${type} ${obj.metadata?.name ?? ''}`);
    signal.notify();
  }, () => {});
  t.teardown(() => ctrl.abort());
  await signal.until(() => seen.length === 1, 'first event');
  sim.store.createNode(node('n2'));
  await signal.until(() => seen.length === 2, 'second event');
  t.same(seen, ['ADDED n1', 'ADDED n2']);

  const core = kc.makeApiClient(CoreV1Api);
  const informer = makeInformer(kc, '/api/v1/nodes', () => core.listNode());
  const errors: unknown[] = [];
  informer.on('error', (e) => {
    errors.push(e);
    signal.notify();
  });
  for (const ev of ['add', 'update', 'delete'] as const) informer.on(ev, () => signal.notify());
  informer.on('connect', () => signal.notify());
  t.teardown(() => informer.stop());
  await informer.start();
  t.equal(informer.list().length, 2);

  await sim.store.waitFor(() => sim.openWatches() === 2);
  sim.faults.dropWatches('nodes');
  await signal.until(() => errors.length > 0, 'informer reports the broken watch');
  // The informer stops on a broken watch; while it is down, more changes than the history holds happen.
  for (let i = 0; i < 8; i++) sim.store.updateNode('n1', (n) => void (n.metadata.labels = { ...n.metadata.labels, i: String(i) }));
  sim.store.createNode(node('n3'));
  const listsBefore = sim.requests.count({ verb: 'list', resource: 'nodes' });
  await informer.start();
  await signal.until(() => informer.list().some((n) => n.metadata?.name === 'n3'), 'informer relisted');
  t.ok(sim.requests.count({ verb: 'list', resource: 'nodes' }) > listsBefore, 'the informer listed again after 410');
  t.equal(informer.get('n1')?.metadata?.labels?.i, '7', 'and its cache is current');
});
