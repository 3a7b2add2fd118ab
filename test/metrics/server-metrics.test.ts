// GET /metrics of the server after a realistic sequence: claims, a refused pre-reboot, a drain held up by a
// PodDisruptionBudget, and every kind of release; on the leader and on a follower.
import t from 'tap';
import { request } from 'undici';
import { Annotation, slotOf } from '../../src/slot/encoding.js';
import { makePdb, makePod } from '../../src/sim/kube/index.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { FAST_DRAIN, drainNoteMatches, rebootAndWaitForRelease } from '../support/drain-cluster.js';
import { scrape } from '../support/metrics.js';

const WAIT = { timeoutMs: 10_000 };

function addPod(c: TestCluster, name: string, app: string, node: string): void {
  c.sim.store.createPod(makePod({ namespace: 'shop', name, nodeName: node, owner: { kind: 'ReplicaSet', name: app, uid: `rs-${app}` }, labels: { app } }));
}

void t.test('server metrics after claims, a refusal, a PDB-blocked drain and releases of every kind', async (t) => {
  const c = await startCluster(t, {
    nodes: 5,
    replicas: 2,
    flags: [...FAST_DRAIN, '--max-rebooting', '2', '--group-slots', 'workers=2'],
    // No controllers: evicted pods are not replaced, so the eviction count is exact.
    sim: { graceMsPerSecond: 5 },
  });
  const leader = await c.leader();
  const follower = c.servers.find((s) => s !== leader);
  if (!follower) throw new Error('no follower');

  // node-01 runs web-1 (under a budget that allows no disruption) and cache-1 (no budget).
  addPod(c, 'web-1', 'web', 'node-01');
  addPod(c, 'web-2', 'web', 'node-04');
  addPod(c, 'cache-1', 'cache', 'node-01');
  c.sim.store.createPdb(makePdb({ namespace: 'shop', name: 'web', selector: { app: 'web' }, minAvailable: 2 }));

  const first = await c.preReboot('node-01');
  t.match(first, { ok: false, kind: 'draining' }, 'node-01 claims and drains');
  t.match(await c.preReboot('node-02'), { ok: false, kind: 'slots_full' }, 'node-02 waits: the default group has one slot');
  await drainNoteMatches(c, 'node-01', /waiting on PodDisruptionBudget shop\/web/);

  await t.test('while node-01 drains, held up by the budget', async (t) => {
    const m = await scrape(leader.internalUrl);
    t.equal(m.value('reboot_manager_slots_held', { group: 'default' }), 1);
    t.equal(m.value('reboot_manager_slots_held', { group: 'workers' }), 0, 'a configured group is listed while nobody holds its slots');
    t.equal(m.value('reboot_manager_slots_allowed', { group: 'default' }), 1);
    t.equal(m.value('reboot_manager_slots_allowed', { group: 'workers' }), 2);
    t.equal(m.value('reboot_manager_max_rebooting'), 2);
    t.equal(m.value('reboot_manager_holder_info', { node: 'node-01', group: 'default', phase: 'draining', source: 'fleetlock' }), 1);
    t.equal(m.all('reboot_manager_holder_info').length, 1, 'one series per holder');
    t.ok((m.value('reboot_manager_holder_age_seconds', { node: 'node-01' }) ?? -1) >= 0, 'holder age is reported for node-01');
    t.equal(m.value('reboot_manager_drains_in_progress'), 1);
    t.ok((m.value('reboot_manager_evictions_total', { result: 'blocked_by_budget' }) ?? 0) >= 1, 'the budget refusal is counted');
    t.equal(m.value('reboot_manager_leader'), 1);

    const f = await scrape(follower.internalUrl);
    t.equal(f.value('reboot_manager_leader'), 0, 'the follower says it does not lead');
    t.equal(f.value('reboot_manager_slots_held', { group: 'default' }), 1, 'the follower sees the same holders from its own cache');
    t.equal(f.value('reboot_manager_drains_in_progress'), 0, 'only the leader drains');
  });

  // The budget goes away: web-1 is evicted and the drain finishes.
  c.sim.store.remove('poddisruptionbudgets', 'shop', 'web');
  await drainNoteMatches(c, 'node-01', /^drained: 2 pods evicted/);
  t.match(await c.preReboot('node-01'), { ok: true }, 'granted once drained');
  await rebootAndWaitForRelease(c, 'node-01');

  t.match(await c.preReboot('node-02'), { ok: true }, 'node-02, empty, is claimed and granted in one request');
  c.kubeletReports('node-02', Date.now() + 2000); // its kubelet reports after the steady-state to come
  t.match(await c.steadyState('node-02'), { ok: true }, 'and gives its slot back at once: it is Ready');
  t.match(await c.preReboot('node-03'), { ok: true });
  t.match(await c.releaseByHand('node-03'), { released: true });
  await leader.nodes.waitFor(() => { const n = leader.nodes.get('node-03'); return n && !slotOf(n); }, WAIT.timeoutMs);
  t.match(await c.preReboot('node-05'), { ok: true });
  c.sim.store.deleteNode('node-05');
  await leader.nodes.waitFor(() => leader.nodes.get('node-05') === undefined, WAIT.timeoutMs);
  t.equal(c.sim.store.getNode('node-01')?.metadata.annotations?.[Annotation.status], 'Ready');

  // Answers the lock never sees: an unknown id, a missing protocol header, a path that is no endpoint.
  const stranger = await (await c.client('node-01')).steadyState();
  t.equal(stranger.ok, true, 'steady-state from a non-holder is ok');
  const unknown = await request(new URL('v1/steady-state', leader.url), { method: 'POST', dispatcher: c.from('node-01'), headers: { 'fleet-lock-protocol': 'true' }, body: JSON.stringify({ client_params: { id: 'f'.repeat(32), group: 'default' } }) });
  t.equal(unknown.statusCode, 404);
  await unknown.body.dump();
  const noHeader = await request(new URL('v1/pre-reboot', leader.url), { method: 'POST', body: JSON.stringify({ client_params: { id: c.zincatiIdOf('node-01'), group: 'default' } }) });
  t.equal(noHeader.statusCode, 400);
  await noHeader.body.dump();
  const nowhere = await request(new URL('v2/reboot', leader.url), { method: 'POST' });
  t.equal(nowhere.statusCode, 404);
  await nowhere.body.dump();

  await t.test('after the sequence', async (t) => {
    const m = await scrape(leader.internalUrl);
    const requests = (endpoint: string, result: string) => m.value('reboot_manager_fleetlock_requests_total', { endpoint, result });
    t.equal(requests('pre-reboot', 'draining'), 1);
    t.equal(requests('pre-reboot', 'slots_full'), 1);
    t.equal(requests('pre-reboot', 'granted'), 4, 'node-01 after its drain, node-02, node-03, node-05');
    t.equal(requests('pre-reboot', 'bad_request'), 1);
    t.equal(requests('pre-reboot', 'not_leader'), 0, 'every refusal kind is there from the start');
    t.equal(requests('steady-state', 'ok'), 2);
    t.equal(requests('steady-state', 'unknown_id'), 1);
    t.equal(requests('other', 'not_found'), 1);

    t.equal(m.value('reboot_manager_claim_wait_seconds_count'), 4, 'one observation per claim');
    t.equal(m.value('reboot_manager_claim_wait_seconds_bucket', { le: '0' }), 3, 'three claims found a free slot; node-02 waited');

    t.equal(m.value('reboot_manager_drain_duration_seconds_count'), 4, 'every claimed node was drained once');
    t.equal(m.value('reboot_manager_drains_in_progress'), 0);

    t.equal(m.value('reboot_manager_evictions_total', { result: 'evicted' }), 2, 'web-1 and cache-1');
    t.ok((m.value('reboot_manager_evictions_total', { result: 'blocked_by_budget' }) ?? 0) >= 1);
    t.equal(m.value('reboot_manager_evictions_total', { result: 'error' }), 0);
    t.equal(m.value('reboot_manager_evictions_total', { result: 'several_budgets' }), 0);

    t.equal(m.value('reboot_manager_releases_total', { reason: 'rebooted' }), 1, 'node-01');
    t.equal(m.value('reboot_manager_releases_total', { reason: 'steady_state' }), 1, 'node-02');
    t.equal(m.value('reboot_manager_releases_total', { reason: 'manual' }), 1, 'node-03');
    t.equal(m.value('reboot_manager_releases_total', { reason: 'node_deleted' }), 1, 'node-05');
    t.equal(m.value('reboot_manager_releases_total', { reason: 'withdrawn' }), 0);

    t.equal(m.value('reboot_manager_slots_held', { group: 'default' }), 0);
    t.equal(m.all('reboot_manager_holder_info').length, 0, 'no holder left');
    t.equal(m.all('reboot_manager_holder_age_seconds').length, 0);
    t.equal(m.value('reboot_manager_stale_holders'), 0);

    const types: Record<string, string> = {
      reboot_manager_slots_held: 'gauge',
      reboot_manager_slots_allowed: 'gauge',
      reboot_manager_max_rebooting: 'gauge',
      reboot_manager_holder_info: 'gauge',
      reboot_manager_holder_age_seconds: 'gauge',
      reboot_manager_leader: 'gauge',
      reboot_manager_drains_in_progress: 'gauge',
      reboot_manager_stale_holders: 'gauge',
      reboot_manager_fleetlock_requests_total: 'counter',
      reboot_manager_evictions_total: 'counter',
      reboot_manager_releases_total: 'counter',
      reboot_manager_claim_wait_seconds: 'histogram',
      reboot_manager_drain_duration_seconds: 'histogram',
    };
    for (const [name, type] of Object.entries(types)) t.equal(m.types.get(name), type, name);
    t.ok(m.types.has('reboot_manager_process_resident_memory_bytes'), 'process metrics too');

    const f = await scrape(follower.internalUrl);
    t.equal(f.value('reboot_manager_fleetlock_requests_total', { endpoint: 'pre-reboot', result: 'granted' }), 0, 'the follower answered nothing');
    t.equal(f.value('reboot_manager_releases_total', { reason: 'manual' }), 0, 'a follower does not count releases it watched');
    t.equal(f.value('reboot_manager_releases_total', { reason: 'node_deleted' }), 0);
  });
});
