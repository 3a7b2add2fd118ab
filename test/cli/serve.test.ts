// The built `reboot-manager` binary, as an operator runs it (`npm test` builds dist/ first).
import { spawn, spawnSync } from 'node:child_process';
import { Agent } from 'undici';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { FleetLockClient } from '../../src/fleetlock/client.js';
import { zincatiId } from '../../src/identity/app-specific-id.js';
import { machineIdFor, makeNode, startKubeSim } from '../../src/sim/kube/index.js';
import { SERVICE_ACCOUNT } from '../support/cluster.js';

const BIN = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH } });

void t.test('--help documents every serve option with its environment variable', async (t) => {
  const help = run('serve', '--help');
  t.equal(help.status, 0);
  for (const [flag, env] of [
    ['--kubeconfig', 'KUBECONFIG'],
    ['--listen', 'REBOOT_MANAGER_LISTEN'],
    ['--namespace', 'REBOOT_MANAGER_NAMESPACE'],
    ['--max-rebooting', 'REBOOT_MANAGER_MAX_REBOOTING'],
    ['--group-slots', 'REBOOT_MANAGER_GROUP_SLOTS'],
    ['--leader-elect', 'REBOOT_MANAGER_LEADER_ELECT'],
  ]) {
    t.match(help.stdout, flag);
    t.match(help.stdout, env ?? '');
  }
  t.match(run('--help').stdout, /serve .*\n.*demo/s, 'the top-level help lists the commands');
});

void t.test('bad configuration exits 2 with a message naming the option', async (t) => {
  const bad = run('serve', '--max-rebooting', 'lots');
  t.equal(bad.status, 2);
  t.match(bad.stderr, /--max-rebooting "lots": not a whole number/);
  const unknown = run('reboot-everything');
  t.equal(unknown.status, 2);
  t.match(unknown.stderr, /unknown command "reboot-everything"/);
});

void t.test('TLS flags: both or neither, and files that cannot be read stop the start naming the file (exit 2)', async (t) => {
  const half = run('serve', '--tls-cert-file', '/etc/reboot-manager/tls/tls.crt');
  t.equal(half.status, 2);
  t.match(half.stderr, /give both --tls-cert-file \(REBOOT_MANAGER_TLS_CERT_FILE\) and --tls-key-file \(REBOOT_MANAGER_TLS_KEY_FILE\), or neither/);
  const missing = `${t.testdir()}/tls.crt`;
  const unreadable = run('serve', '--listen', '127.0.0.1:0', '--tls-cert-file', missing, '--tls-key-file', `${t.testdir()}/tls.key`);
  t.equal(unreadable.status, 2);
  t.equal(unreadable.stderr, `reboot-manager: cannot read the TLS certificate file ${missing}: ENOENT\n`);
});

void t.test('serve against a cluster: answers FleetLock, and on SIGTERM hands the Lease back and exits 0', async (t) => {
  const sim = await startKubeSim();
  t.teardown(() => sim.close());
  sim.store.createNode(makeNode({ name: 'node-01', machineID: machineIdFor(1), address: '127.1.0.2' }));
  const kubeconfig = `${t.testdir()}/kubeconfig`;
  await sim.writeKubeconfig(kubeconfig, SERVICE_ACCOUNT);

  // A Lease long enough that a loaded machine's slow renewal never costs the leadership this test hands back.
  const child = spawn(process.execPath, [BIN, 'serve', '--listen', '127.0.0.1:0', '--internal-listen', '127.0.0.1:0', '--identity', 'cli-test'], {
    env: { PATH: process.env.PATH, KUBECONFIG: kubeconfig, REBOOT_MANAGER_LEASE_DURATION: '15s' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  t.teardown(() => child.kill('SIGKILL'));
  const lines = createInterface({ input: child.stdout });
  let url = '';
  let leading = false;
  let synced = false;
  for await (const line of lines) {
    const entry = JSON.parse(line) as { msg?: string; url?: string; leading?: boolean };
    if (entry.msg === 'reboot-manager serving FleetLock') url = entry.url ?? '';
    if (entry.leading === true) leading = true;
    if (entry.msg === 'node cache synced') synced = true;
    if (url && leading && synced) break;
  }
  child.stdout.resume();
  t.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);

  const fromNode = new Agent({ localAddress: '127.1.0.2' });
  const client = new FleetLockClient({ baseUrl: url, id: zincatiId(machineIdFor(1)), group: 'default', dispatcher: fromNode });
  t.teardown(() => fromNode.close());
  t.same(await client.preReboot(), { ok: true, status: 200 });
  t.equal(sim.store.getNode('node-01')?.metadata.annotations?.['rebootmanager/status'], 'Rebooting');

  child.kill('SIGTERM');
  t.equal(await exited, 0);
  const lease = sim.store.get('leases', 'reboot-manager', 'reboot-manager') as { spec?: { holderIdentity?: string } } | undefined;
  t.equal(lease?.spec?.holderIdentity, '', 'the Lease is handed back for the next leader');
});
