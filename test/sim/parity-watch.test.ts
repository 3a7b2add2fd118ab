// Watch bookmarks as kube-apiserver v1.36 sends them (recorded by test/e2e/parity.e2e.ts): the empty object's shape, the initial-events-end mark.
import t from 'tap';
import { makePod } from '../../src/sim/kube/index.js';
import { rawWatch, simFor } from '../support/sim-helpers.js';

void t.test('a bookmark is the empty object of the type, as Go serialises it, with only a resourceVersion', async (t) => {
  const sim = await simFor(t, { bookmarkIntervalMs: 5 });
  const rv = sim.store.resourceVersion();
  const pods = rawWatch(sim, `/api/v1/pods?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=1`);
  t.same(await pods.next(), { type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: rv }, spec: { containers: null }, status: {} } });
  pods.close();
  const nodes = rawWatch(sim, `/api/v1/nodes?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=1`);
  t.match(await nodes.next(), { type: 'BOOKMARK', object: { kind: 'Node', spec: {}, status: { daemonEndpoints: { kubeletEndpoint: { Port: 0 } }, nodeInfo: { bootID: '', machineID: '' } } } });
  nodes.close();
});

void t.test('a watch without a version (or from 0) sends the initial state, then at once a bookmark annotated k8s.io/initial-events-end', async (t) => {
  const sim = await simFor(t, { bookmarkIntervalMs: 3_600_000 });
  sim.store.createPod(makePod({ namespace: 'default', name: 'a', nodeName: 'n1' }));
  const w = rawWatch(sim, '/api/v1/namespaces/default/pods?watch=true&allowWatchBookmarks=true&timeoutSeconds=5');
  t.match(await w.next(), { type: 'ADDED', object: { metadata: { name: 'a' } } });
  t.same(await w.next(), { type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: sim.store.resourceVersion(), annotations: { 'k8s.io/initial-events-end': 'true' } }, spec: { containers: null }, status: {} } });
  w.close();
  const zero = rawWatch(sim, '/api/v1/namespaces/default/pods?watch=true&allowWatchBookmarks=true&timeoutSeconds=5&resourceVersion=0');
  t.match(await zero.next(), { type: 'ADDED' });
  t.match(await zero.next(), { type: 'BOOKMARK', object: { metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } } }, 'from version 0 too');
  zero.close();
  const quiet = rawWatch(sim, '/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=1');
  t.match(await quiet.next(), { type: 'ADDED' });
  t.equal(await quiet.ended, 'end', 'no bookmark unless allowed');
});
