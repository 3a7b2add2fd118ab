// `reboot-manager history [NODE]`: each reboot's timeline from the Nodes (the operator's kubeconfig) or from a running
// server, the same rows either way; an unknown node is an error that says so.
import t from 'tap';
import { cli } from '../support/cli.js';
import { granted, rebootAndWaitForRelease, startDrainCluster } from '../support/drain-cluster.js';

void t.test('history lists reboots newest first, per node or cluster-wide, from the API and from the server', async (t) => {
  const c = await startDrainCluster(t, { nodes: 3 });
  const leader = await c.leader();
  t.match(await granted(c, 'node-01'), { ok: true });
  t.match(await c.preReboot('node-02'), { ok: false, kind: 'slots_full' }, 'node-02 waits');
  await rebootAndWaitForRelease(c, 'node-01');
  t.match(await granted(c, 'node-02'), { ok: true });
  await rebootAndWaitForRelease(c, 'node-02');
  await leader.nodes.waitFor(() => leader.nodes.get('node-02')?.annotations['rebootmanager/history'] !== undefined, 10_000);
  const admin = `${t.testdirName}/admin-kubeconfig`;
  await c.sim.writeKubeconfig(admin, 'admin');

  const all = await cli(admin, 'history');
  t.equal(all.code, 0, all.stderr);
  const lines = all.stdout.trimEnd().split('\n');
  t.match(lines, [
    /^NODE\s+HELD BY\s+RELEASED\s+WAITED\s+DRAIN\s+EVICTED\s+DOWN\s+HELD\s+REASON\s+BLOCKED BY$/,
    /^node-02\s+fleetlock \(default\)\s+\d+s ago\s+\d+s\s+\d+s\s+0\s+\S+\s+\d+s\s+rebooted\s+-$/,
    /^node-01\s+fleetlock \(default\)\s+\d+s ago\s+0s\s+\d+s\s+0\s+\S+\s+\d+s\s+rebooted\s+-$/,
  ]);
  t.equal(lines.length, 3);

  const one = await cli(admin, 'history', 'node-01', '--output', 'json');
  t.match(JSON.parse(one.stdout), [{ node: 'node-01', reason: 'rebooted', rebooted: true, waitedSeconds: 0 }]);
  const fromServer = await cli(admin, 'history', 'node-01', '--server', leader.internalUrl, '--output', 'json');
  t.same(JSON.parse(fromServer.stdout), JSON.parse(one.stdout), 'the server gives the same rows');

  t.same(await cli(admin, 'history', 'node-99'), { code: 1, stdout: '', stderr: 'reboot-manager: no Node named node-99\n' });
  t.match(await cli(admin, 'history', 'node-99', '--server', leader.internalUrl), { code: 1, stderr: 'reboot-manager: no Node named node-99\n' });
  t.match((await cli(admin, 'history', 'node-03')).stdout, /^no reboot recorded/);
});
