import t from 'tap';
import { addReplicaSet, assertNoOrphanCordon, drainNoteMatches, eventRecorded, startDrainCluster } from '../support/drain-cluster.js';

const EVICTION = { verb: 'create', resource: 'pods', subresource: 'eviction' } as const;

void t.test('API failures on evictions (500s) are retried with backoff and the drain finishes', async (t) => {
  const c = await startDrainCluster(t, { nodes: 2 });
  addReplicaSet(c, 'shop', 'web', ['node-01', 'node-01']);
  const fault = c.sim.faults.inject({ ...EVICTION, status: 500, times: 4 });
  await c.preReboot('node-01'); // granted at once when the retries are quick, else refused with `draining`
  await drainNoteMatches(c, 'node-01', /^drained: 2 pods evicted$/);
  t.equal(fault.hits, 4, 'every injected failure was met and retried');
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  assertNoOrphanCordon(t, c.sim);
});

void t.test('API throttling (429 with Retry-After) is honoured, then the drain finishes', async (t) => {
  const c = await startDrainCluster(t, { nodes: 2, flags: ['--drain-timeout', '1s'] });
  addReplicaSet(c, 'shop', 'web', ['node-01']);
  const fault = c.sim.faults.inject({ ...EVICTION, name: 'web-1', status: 429, retryAfterSeconds: 4 });
  t.match(await c.preReboot('node-01'), { ok: false, kind: 'draining' });
  // The 1s drain timeout (policy refuse) marks a moment well inside the 4s Retry-After.
  await eventRecorded(c, 'node-01', 'DrainTimeout');
  t.equal(c.sim.requests.count({ ...EVICTION, name: 'web-1' }), 1, 'no second attempt before Retry-After');
  t.match(await c.preReboot('node-01'), { ok: false, kind: 'draining', value: /^drain timed out after 1s \(policy refuse\); 0\/1 pods evicted/ });
  fault.remove();
  await drainNoteMatches(c, 'node-01', /^drained: 1 pod evicted$/);
  t.equal(c.sim.requests.count({ ...EVICTION, name: 'web-1' }), 2);
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 }, 'a timed-out drain that finishes is still granted');
  assertNoOrphanCordon(t, c.sim);
});

void t.test('a dropped pod watch (and a failed re-watch) does not lose track of a terminating pod', async (t) => {
  const c = await startDrainCluster(t, { nodes: 2 });
  addReplicaSet(c, 'shop', 'web', ['node-01'], { grace: 1000 });
  t.match(await c.preReboot('node-01'), { ok: false, kind: 'draining' });
  await c.sim.store.waitFor(() => c.sim.store.getPod('shop', 'web-1')?.metadata.deletionTimestamp, { description: 'web-1 terminating' });
  const rewatch = c.sim.faults.inject({ verb: 'watch', resource: 'pods', status: 500, times: 1 });
  t.ok(c.sim.faults.dropWatches('pods') >= 1, 'the drain was watching pods');
  await drainNoteMatches(c, 'node-01', /^drained: 1 pod evicted$/);
  t.equal(rewatch.hits, 1, 'the failed re-watch was retried');
  t.notOk(c.sim.store.getPod('shop', 'web-1'), 'reported drained only once the pod was gone');
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  assertNoOrphanCordon(t, c.sim);
});
