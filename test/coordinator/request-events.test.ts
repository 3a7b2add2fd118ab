// The Node's Events name the MaintenanceRequest that holds its slot: claimed, granted, released (completed, by hand,
// or given back when a maintenance window closes on its drain).
import t from 'tap';
import { cli } from '../support/cli.js';
import { eventRecorded, startDrainCluster } from '../support/drain-cluster.js';
import { createRequest, phaseOf, setState } from '../support/requests.js';
import { startWindowRig } from '../support/window-rig.js';

void t.test('claimed, granted and released: each Event on the Node names the request', async (t) => {
  const c = await startDrainCluster(t, { flags: ['--max-rebooting', '2', '--slots-per-group', '2'] });
  createRequest(c.sim, 'disk', { nodeName: 'node-02' });
  await phaseOf(c.sim, 'disk', 'Approved');
  t.equal((await eventRecorded(c, 'node-02', 'RebootSlotClaimed')).message, 'Reboot slot claimed in group default by MaintenanceRequest disk (alice: replace disk sdb)');
  t.equal((await eventRecorded(c, 'node-02', 'RebootGranted')).message, 'Node is safe to reboot: granted to MaintenanceRequest disk');
  setState(c.sim, 'disk', 'Completed');
  await phaseOf(c.sim, 'disk', 'Approved', /given back once node node-02 is Ready/);
  c.sim.store.postNodeStatus('node-02');
  await phaseOf(c.sim, 'disk', 'Completed');
  t.equal((await eventRecorded(c, 'node-02', 'RebootSlotReleased')).message, 'Reboot slot released: MaintenanceRequest disk completed and the node is Ready');

  createRequest(c.sim, 'fw', { nodeName: 'node-03', drain: false });
  await phaseOf(c.sim, 'fw', 'Approved');
  const admin = `${t.testdirName}/admin-kubeconfig`;
  await c.sim.writeKubeconfig(admin, 'admin');
  t.equal((await cli(admin, 'release', 'node-03')).code, 0);
  t.equal((await eventRecorded(c, 'node-03', 'RebootSlotReleased')).message, 'Reboot slot released by hand: reboot-manager release (held for MaintenanceRequest fw)');
  await phaseOf(c.sim, 'fw', 'Expired', /given back by someone else/);
});

void t.test('a window closing on a request\'s drain gives the slot back, and the release names the request', async (t) => {
  const MONDAY_2145 = Date.UTC(2026, 0, 5, 21, 45);
  const r = await startWindowRig(t, { start: MONDAY_2145, flags: ['--resync-interval', '1h'] });
  t.match(await r.applyPolicy({ windows: [{ days: ['Mon'], start: '20:00', end: '22:00', timeZone: 'UTC' }] }), { accepted: true });
  r.stuckPod('node-1', 'web');
  createRequest(r.cluster, 'disk', { nodeName: 'node-1' });
  t.ok(await r.until(() => r.holders().includes('node-1')), 'the request claims node-1 and drains');
  t.ok(await r.until(() => r.holders().length === 0, 60 * 60_000), 'the slot is given back once the window closes');
  t.ok(await r.until(() => r.events('node-1').some((e) => e.reason === 'RebootSlotReleased')));
  const released = r.events('node-1').find((e) => e.reason === 'RebootSlotReleased');
  t.match(released?.message, /^Reboot slot released: the maintenance window closed before the drain finished \(window: .*\); drainOutsideWindow is Stop \(held for MaintenanceRequest disk\)$/);
});
