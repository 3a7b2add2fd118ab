// `reboot-manager status` and `reboot-manager release NODE`, run as an operator would.
import { pino } from 'pino';
import t, { type Test } from 'tap';
import { parseServeConfig } from '../../src/config/serve.js';
import { startServer } from '../../src/server.js';
import { machineIdFor, makeNode, startKubeSim, type KubeSim } from '../../src/sim/kube/index.js';
import { progressAnnotations } from '../../src/slot/encoding.js';
import { NO_PROGRESS } from '../../src/slot/slot.js';
import { cli } from '../support/cli.js';
import { SERVICE_ACCOUNT } from '../support/cluster.js';
import { applyPolicy } from '../support/policy.js';

async function clusterWithHolder(t: Test): Promise<{ sim: KubeSim; kubeconfig: string }> {
  const sim = await startKubeSim();
  t.teardown(() => sim.close());
  const claimedAt = new Date(Date.now() - 25 * 60_000).toISOString();
  sim.store.createNode(
    makeNode({
      name: 'node-01',
      machineID: machineIdFor(1),
      unschedulable: true,
      annotations: {
        'rebootmanager/status': 'Rebooting',
        'rebootmanager/group': 'workers',
        'rebootmanager/phase': 'draining',
        'rebootmanager/claimed-at': claimedAt,
        'rebootmanager/cordoned': 'true',
        ...progressAnnotations({ ...NO_PROGRESS, evicted: 3, total: 7, blockers: ['PodDisruptionBudget shop/web'] }),
      },
    }),
  );
  sim.store.createNode(makeNode({ name: 'node-02', machineID: machineIdFor(2), unschedulable: true }));
  sim.store.createNode(makeNode({ name: 'node-03', machineID: machineIdFor(3) }));
  const kubeconfig = `${t.testdir()}/kubeconfig`;
  await sim.writeKubeconfig(kubeconfig, 'admin');
  return { sim, kubeconfig };
}

void t.test('status prints every node: holder first, with who holds it, group, phase, age, who cordoned, drain progress', async (t) => {
  const { kubeconfig } = await clusterWithHolder(t);
  const { code, stdout } = await cli(kubeconfig, 'status');
  t.equal(code, 0);
  const lines = stdout.trim().split('\n');
  t.match(lines[0], /^NODE\s+LOCK\s+HELD BY\s+GROUP\s+PHASE\s+HELD FOR\s+READY\s+CORDONED\s+DRAIN$/);
  t.match(lines[1], /^node-01\s+Rebooting\s+fleetlock\s+workers\s+draining\s+25m\s+True\s+us\s+3\/7 pods evicted; waiting on PodDisruptionBudget shop\/web$/);
  t.match(lines[2], /^node-02\s+Ready\s+-\s+-\s+-\s+-\s+True\s+admin\s+-$/);
  t.match(lines[3], /^node-03\s+Ready\s+-\s+-\s+-\s+-\s+True\s+-\s+-$/);

  const json = JSON.parse((await cli(kubeconfig, 'status', '--output', 'json')).stdout) as { node: string; lock: string }[];
  t.same(json.map((r) => `${r.node} ${r.lock}`), ['node-01 Rebooting', 'node-02 Ready', 'node-03 Ready']);
});

void t.test('status --server reads a running reboot-manager: the same table and rows as from the Kubernetes API', async (t) => {
  const { sim, kubeconfig } = await clusterWithHolder(t);
  // Another replica holds the Lease for the whole test: ours is a follower and changes nothing, so both views agree.
  sim.store.create('leases', {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { namespace: 'reboot-manager', name: 'reboot-manager' },
    spec: { holderIdentity: 'elsewhere', leaseDurationSeconds: 3600, renewTime: new Date().toISOString(), acquireTime: new Date().toISOString() },
  });
  // Beside the admin kubeconfig: a second t.testdir() would empty the directory.
  const serverKubeconfig = `${t.testdirName}/server-kubeconfig`;
  await sim.writeKubeconfig(serverKubeconfig, SERVICE_ACCOUNT);
  const server = await startServer(parseServeConfig(['--listen', '127.0.0.1:0', '--kubeconfig', serverKubeconfig, '--identity', 'replica-0'], {}), { logger: pino({ level: 'silent' }) });
  t.teardown(() => server.close());
  await server.nodes.whenSynced();
  t.notOk(server.isLeader(), 'a follower');

  const fromServer = await cli(kubeconfig, 'status', '--server', server.internalUrl);
  t.equal(fromServer.code, 0, fromServer.stderr);
  const fromApi = await cli(kubeconfig, 'status');
  t.equal(fromApi.code, 0, fromApi.stderr);
  t.equal(fromServer.stdout, fromApi.stdout, 'the same table');
  t.match(fromServer.stdout.split('\n')[1], /^node-01\s+Rebooting\s+fleetlock\s+workers\s+draining\s+25m\s+True\s+us\s+3\/7 pods evicted; waiting on PodDisruptionBudget shop\/web$/);

  type Row = { heldForSeconds: number | null };
  const rows = (out: string): Row[] => JSON.parse(out) as Row[];
  const jsonFromServer = rows((await cli(kubeconfig, 'status', '--server', server.internalUrl.replace(/\/$/, ''), '--output', 'json')).stdout);
  const jsonFromApi = rows((await cli(kubeconfig, 'status', '--output', 'json')).stdout);
  const withoutAge = (r: Row[]) => r.map(({ heldForSeconds: _age, ...rest }) => rest);
  t.same(withoutAge(jsonFromServer), withoutAge(jsonFromApi), 'the same rows (held-for aside: two reads, two moments)');
  t.match(jsonFromServer[0], { node: 'node-01', drainEvicted: 3, drainTotal: 7, drainWaitingOn: 'PodDisruptionBudget shop/web', heldForSeconds: Number });

  const unreachable = await cli(kubeconfig, 'status', '--server', 'http://127.0.0.1:1/');
  t.equal(unreachable.code, 1);
  t.match(unreachable.stderr, /cannot reach http:\/\/127\.0\.0\.1:1\/api\/v1\/status/);
  const notUrl = await cli(kubeconfig, 'status', '--server', 'reboot-manager:8080');
  t.equal(notUrl.code, 2);
  t.match(notUrl.stderr, /invalid --server/);
});

void t.test('status --server says under the table what the policy holds back', async (t) => {
  const { sim, kubeconfig } = await clusterWithHolder(t);
  const serverKubeconfig = `${t.testdirName}/server-kubeconfig`;
  await sim.writeKubeconfig(serverKubeconfig, SERVICE_ACCOUNT);
  const server = await startServer(parseServeConfig(['--listen', '127.0.0.1:0', '--internal-listen', '127.0.0.1:0', '--kubeconfig', serverKubeconfig, '--identity', 'replica-0'], {}), { logger: pino({ level: 'silent' }) });
  t.teardown(() => server.close());
  await server.whenServing();
  const otherDay = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][(new Date().getUTCDay() + 3) % 7] ?? 'Sun';
  await applyPolicy(sim, { pause: { reason: 'kernel regression', by: 'alice' }, windows: [{ days: [otherDay], start: '01:00', end: '02:00', timeZone: 'UTC' }], drainOutsideWindow: 'Finish', healthGate: { enabled: false } });
  // The leader releases node-01's made-up slot soon after it starts; the health gate (off here) would then wait on it.
  const out = await cli(kubeconfig, 'status', '--server', server.internalUrl);
  t.equal(out.code, 0, out.stderr);
  const lines = out.stdout.trimEnd().split('\n');
  t.match(lines[0], /^NODE\s+LOCK/);
  t.match(lines.slice(4), [
    '',
    'Policy: RebootPolicy default, generation 1',
    'Held back: pause: new reboots are paused by alice: kernel regression',
    `Held back: window: cluster outside its windows (${otherDay} 01:00–02:00 UTC), next opening ${otherDay} 01:00 UTC (`,
  ]);
  t.equal(lines.length, 8, 'nothing else');
  const json = JSON.parse((await cli(kubeconfig, 'status', '--server', server.internalUrl, '--output', 'json')).stdout) as unknown[];
  t.equal(json.length, 3, '--output json stays the node rows');
});

void t.test('release NODE gives the slot back and uncordons only what reboot-manager cordoned', async (t) => {
  const { sim, kubeconfig } = await clusterWithHolder(t);
  const released = await cli(kubeconfig, 'release', 'node-01');
  t.equal(released.code, 0);
  t.match(released.stdout, 'released the reboot slot of node node-01 and uncordoned it');
  const node = sim.store.getNode('node-01');
  t.equal(node?.metadata.annotations?.['rebootmanager/status'], 'Ready');
  t.notOk(node?.spec.unschedulable);
  t.ok(sim.store.list('events', 'default').some((e) => (e as { reason?: string }).reason === 'RebootSlotReleased'), 'an Event says so');

  const nothing = await cli(kubeconfig, 'release', 'node-02');
  t.equal(nothing.code, 0);
  t.match(nothing.stdout, 'node node-02 held no reboot slot; nothing changed');
  t.equal(sim.store.getNode('node-02')?.spec.unschedulable, true, "an admin's cordon stays");

  const missing = await cli(kubeconfig, 'release');
  t.equal(missing.code, 2);
  t.match(missing.stderr, /release needs a node name/);
  const unknown = await cli(kubeconfig, 'release', 'node-99');
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /node-99.*not.*found/i);
});
