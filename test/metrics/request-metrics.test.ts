// GET /metrics counts MaintenanceRequests by phase, their approvals and completions, and names the source of each holder.
import t from 'tap';
import { startDrainCluster } from '../support/drain-cluster.js';
import { scrape } from '../support/metrics.js';
import { createRequest, phaseOf, setState } from '../support/requests.js';
import type { RunningServer } from '../../src/server.js';

/** Once this replica's own cache shows the phase: the gauge is read from it at scrape time. */
const cached = (server: RunningServer, name: string, phase: string): Promise<unknown> => server.requests.waitFor(() => server.requests.get(name)?.status?.phase === phase, 15_000);

void t.test('an approval, a request pending behind it and a completion, as a scrape shows them', async (t) => {
  const c = await startDrainCluster(t, { replicas: 2 });
  const leader = await c.leader();
  const follower = c.servers.find((s) => s !== leader);
  if (!follower) throw new Error('no follower');

  const before = await scrape(leader.internalUrl);
  t.equal(before.value('reboot_manager_maintenance_requests', { phase: 'Approved' }), 0, 'every phase is listed from the start');
  t.equal(before.value('reboot_manager_maintenance_request_transitions_total', { phase: 'Approved' }), 0);

  createRequest(c.sim, 'disk', { nodeName: 'node-02', drain: false });
  await phaseOf(c.sim, 'disk', 'Approved');
  createRequest(c.sim, 'fw', { nodeName: 'node-03' });
  await phaseOf(c.sim, 'fw', 'Pending', /^slots_full: /);
  await cached(leader, 'fw', 'Pending');
  const approved = await scrape(leader.internalUrl);
  t.equal(approved.value('reboot_manager_maintenance_requests', { phase: 'Approved' }), 1);
  t.equal(approved.value('reboot_manager_maintenance_requests', { phase: 'Pending' }), 1);
  t.equal(approved.value('reboot_manager_maintenance_request_transitions_total', { phase: 'Approved' }), 1);
  t.equal(approved.value('reboot_manager_holder_info', { node: 'node-02', group: 'default', phase: 'drained', source: 'maintenance-request' }), 1, 'the holder is a request');
  t.equal(approved.value('reboot_manager_slots_held', { group: 'default' }), 1, 'in the one budget');

  await cached(follower, 'fw', 'Pending');
  const fromFollower = await scrape(follower.internalUrl);
  t.equal(fromFollower.value('reboot_manager_maintenance_requests', { phase: 'Approved' }), 1, 'a follower counts from its own cache');
  t.equal(fromFollower.value('reboot_manager_maintenance_request_transitions_total', { phase: 'Approved' }), 0, 'transitions are counted where they happen: on the leader');

  setState(c.sim, 'disk', 'Completed');
  await phaseOf(c.sim, 'disk', 'Approved', /given back once node node-02 is Ready/);
  c.sim.store.postNodeStatus('node-02');
  await phaseOf(c.sim, 'disk', 'Completed');
  await phaseOf(c.sim, 'fw', 'Approved');
  await cached(leader, 'fw', 'Approved');
  const done = await scrape(leader.internalUrl);
  t.equal(done.value('reboot_manager_maintenance_requests', { phase: 'Completed' }), 1);
  t.equal(done.value('reboot_manager_maintenance_requests', { phase: 'Approved' }), 1, 'fw took the slot');
  t.equal(done.value('reboot_manager_maintenance_request_transitions_total', { phase: 'Completed' }), 1);
  t.equal(done.value('reboot_manager_maintenance_request_transitions_total', { phase: 'Approved' }), 2);
  t.equal(done.value('reboot_manager_releases_total', { reason: 'request_completed' }), 1);
  t.same(done.all('reboot_manager_holder_info').map((s) => s.labels), [{ node: 'node-03', group: 'default', phase: 'drained', source: 'maintenance-request' }]);
});
