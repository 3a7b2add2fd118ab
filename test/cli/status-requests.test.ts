// `reboot-manager status` with MaintenanceRequests: each holder says who holds it, and the live requests follow the
// node table, from the Kubernetes API and from a running server alike.
import t from 'tap';
import { cli } from '../support/cli.js';
import { granted, startDrainCluster } from '../support/drain-cluster.js';
import { createRequest, phaseOf } from '../support/requests.js';

void t.test('holders list their source, then a block of the live requests with why they wait', async (t) => {
  const c = await startDrainCluster(t, { flags: ['--max-rebooting', '2', '--slots-per-group', '2'] });
  const leader = await c.leader();
  t.match(await granted(c, 'node-01'), { ok: true }, 'Zincati on node-01 holds a slot');
  createRequest(c.sim, 'disk', { nodeName: 'node-02', drain: false });
  await phaseOf(c.sim, 'disk', 'Approved');
  createRequest(c.sim, 'fw', { nodeName: 'node-03', requester: 'firmware-bot', reason: 'BIOS 2.3\u001b[2J' });
  await phaseOf(c.sim, 'fw', 'Pending', /^slots_full: /);
  createRequest(c.sim, 'ghost', { nodeName: 'node-09' });
  await phaseOf(c.sim, 'ghost', 'Rejected');
  await leader.requests.waitFor(() => leader.requests.get('ghost')?.status?.phase === 'Rejected', 15_000);
  const admin = `${t.testdirName}/admin-kubeconfig`;
  await c.sim.writeKubeconfig(admin, 'admin');

  const fromApi = await cli(admin, 'status');
  t.equal(fromApi.code, 0, fromApi.stderr);
  t.equal(fromApi.stderr, '');
  const lines = fromApi.stdout.trimEnd().split('\n');
  t.match(lines[0], /^NODE\s+LOCK\s+HELD BY\s+GROUP\s+PHASE\s+HELD FOR\s+READY\s+CORDONED\s+DRAIN$/);
  t.match(lines.slice(1, 4), [
    /^node-01\s+Rebooting\s+fleetlock\s+default\s+drained\s+\d+s\s+True\s+us\s+drained: 0 pods evicted$/,
    /^node-02\s+Rebooting\s+maintenancerequest\/disk\s+default\s+drained\s+\d+s\s+True\s+-\s+-$/,
    /^node-03\s+Ready\s+-\s+-\s+-\s+-\s+True\s+-\s+-$/,
  ]);
  t.match(lines.slice(4), [
    '',
    /^WAITING\s+ASKS THROUGH\s+FOR\s+ASKS\s+LAST REFUSAL RECORDED$/,
    /^node-03\s+maintenancerequest\/fw\s+\d+s\s+-\s+pending: slots_full: .* held \(by node-01, node-02\)$/,
    '',
    /^MAINTENANCE REQUEST\s+NODE\s+PHASE\s+SINCE\s+REQUESTER\s+REASON\s+MESSAGE$/,
    /^disk\s+node-02\s+Approved\s+\d+s\s+alice\s+replace disk sdb\s+approved: node node-02 is yours until \S+ to start \(spec\.state InProgress\)$/,
    /^fw\s+node-03\s+Pending\s+\d+s\s+firmware-bot\s+BIOS 2\.3\uFFFD\[2J\s+slots_full: .* held \(by node-01, node-02\)$/,
  ]);
  t.equal(lines.length, 11, 'ended requests are left to the status page');
  t.notOk(fromApi.stdout.includes('\u001b'), 'no control character from a reason reaches the terminal');

  const fromServer = await cli(admin, 'status', '--server', leader.internalUrl);
  t.equal(fromServer.code, 0, fromServer.stderr);
  const ages = (out: string): string => out.replace(/\b\d+s\b/g, 'Ns').replace(/ +/g, ' '); // an age may grow a digit between the two reads
  t.equal(ages(fromServer.stdout), ages(fromApi.stdout), 'the same table and requests from the server');

  const json = JSON.parse((await cli(admin, 'status', '--output', 'json')).stdout) as { node: string; source: string; request: string; requester: string }[];
  t.match(json, [{ node: 'node-01', source: 'fleetlock' }, { node: 'node-02', source: 'maintenance-request', request: 'disk', requester: 'alice' }, { node: 'node-03', source: '' }], '--output json: the node rows with their source');
});
