// `reboot-manager explain NODE --server URL`, run as an operator would against a running server.
import t from 'tap';
import { parseExplainConfig } from '../../src/config/operator.js';
import { pauseReboots } from '../../src/policy/pause-switch.js';
import { createKubeApi } from '../../src/kube/rest-api.js';
import { startCluster } from '../support/cluster.js';
import { cli } from '../support/cli.js';
import { granted } from '../support/drain-cluster.js';
import { policyJudged } from '../support/policy.js';
import { createRequest, phaseOf } from '../support/requests.js';

void t.test('explain prints the verdict and one line per reason; exit 0 grantable, 1 not, 2 bad usage, 3 no answer', async (t) => {
  const c = await startCluster(t, { nodes: 2 });
  const { internalUrl } = await c.leader();
  // No kubeconfig needed: only the server's internal port.
  const kubeconfig = `${t.testdirName}/none`;

  const free = await cli(kubeconfig, 'explain', 'node-02', '--server', internalUrl, '--output', 'json');
  t.equal(free.code, 0, free.stderr);
  t.match(JSON.parse(free.stdout), { node: 'node-02', group: 'default', grantable: true, reasons: [], leader: true, synced: true });

  t.same(await granted(c, 'node-01'), { ok: true, status: 200 });
  const admin = `${t.testdirName}/admin`;
  await c.sim.writeKubeconfig(admin, 'admin');
  await pauseReboots(createKubeApi(admin), { reason: 'kernel regression', by: 'alice', since: '2026-03-02T09:00:00.000Z' });
  await policyJudged(c.sim);
  const waits = await cli(kubeconfig, 'explain', 'node-02', '--server', internalUrl);
  t.same(waits, {
    code: 1,
    stdout: [
      'node-02 in group default: a claim would wait',
      'budget: all 1 reboot slot(s) of group default are held (by node-01)',
      'pause: new reboots are paused by alice since 2026-03-02T09:00:00.000Z: kernel regression',
      '',
    ].join('\n'),
    stderr: '',
  });
  const holder = await cli(kubeconfig, 'explain', 'node-01', '--server', internalUrl);
  t.same({ code: holder.code, stdout: holder.stdout }, { code: 0, stdout: 'node-01 holds a reboot slot in group default and is drained: its pre-reboot is answered 200\n' });

  const unknown = await cli(kubeconfig, 'explain', 'node-99', '--server', internalUrl);
  t.same({ code: unknown.code, stderr: unknown.stderr }, { code: 3, stderr: 'reboot-manager: no node named "node-99"\n' });
  const unreachable = await cli(kubeconfig, 'explain', 'node-01', '--server', 'http://127.0.0.1:1/');
  t.equal(unreachable.code, 3);
  t.match(unreachable.stderr, /^reboot-manager: cannot reach http:\/\/127\.0\.0\.1:1\/api\/v1\/explain\/node-01/);
  const noServer = await cli(kubeconfig, 'explain', 'node-01');
  t.equal(noServer.code, 2);
  t.match(noServer.stderr, /explain asks a running reboot-manager: give --server URL/);

  t.throws(() => parseExplainConfig(['--server', internalUrl, '--group', 'a_b'], {}), { name: 'ConfigError', message: 'invalid --group "a_b": a FleetLock group may contain only letters, digits, "." and "-"' });
  t.equal(parseExplainConfig(['--server', internalUrl], {}).group, 'default', "Zincati's group unless told");
});

void t.test('explain on a node a MaintenanceRequest holds says it is out of service and exits 1: its pre-reboot is refused', async (t) => {
  const c = await startCluster(t, { nodes: 1 });
  const { internalUrl } = await c.leader();
  createRequest(c.sim, 'disk', { nodeName: 'node-01', drain: false });
  await phaseOf(c.sim, 'disk', 'Approved');
  const held = await cli(`${t.testdirName}/none`, 'explain', 'node-01', '--server', internalUrl);
  t.same(held, { code: 1, stdout: 'node-01 is out of service for MaintenanceRequest disk (drained): its pre-reboot is refused blocked until the request ends\n', stderr: '' });
});
