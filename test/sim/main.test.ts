// The standalone simulator process: nodes with deterministic machine-ids, a kubeconfig, request counters.
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { AGENT_POOL_LABEL, machineIdFor } from '../../src/sim/kube/index.js';

const MAIN = fileURLToPath(new URL('../../src/sim/kube/main.ts', import.meta.url));

/** Starts main.ts with `args`; resolves once it printed its ready line. */
async function startMain(t: Test, args: string[]): Promise<{ url: string; exited: () => Promise<number | null> }> {
  // The TypeScript loader tap runs this test with also runs main.ts.
  const loaders = process.execArgv.filter((a) => a.includes('typescript'));
  const child = spawn(process.execPath, [...loaders, MAIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGTERM');
  });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const { url } = JSON.parse(line) as { url: string };
  return {
    url,
    exited: async () => {
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}

void t.test('main serves N nodes and counts requests at /_sim/requests', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sim-main-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const { url, exited } = await startMain(t, ['--nodes', '3', '--image-count', '50', '--kubeconfig', kubeconfig, '--user', 'reboot-manager']);
  t.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);

  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const nodes = await kc.makeApiClient(CoreV1Api).listNode();
  t.same(nodes.items.map((n) => n.metadata?.name), ['node-00001', 'node-00002', 'node-00003']);
  t.equal(nodes.items[1]?.status?.nodeInfo?.machineID, machineIdFor(2));
  t.match(machineIdFor(2), /^[0-9a-f]{32}$/);
  const size = JSON.stringify(nodes.items[0]).length;
  t.ok(size > 30_000 && size < 60_000, `a node with 50 images is ~40 KB of JSON (${size})`);

  const counters = (await (await fetch(`${url}/_sim/requests`)).json()) as { total: number; byVerb: Record<string, number> };
  t.equal(counters.byVerb['list nodes'], 1);
  t.equal(await exited(), 0, 'exits cleanly on SIGTERM');
});

void t.test('--node-pools spreads the nodes over AKS node pools; --admin-kubeconfig lets an operator write a RebootPolicy', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sim-main-'));
  const admin = join(dir, 'admin-kubeconfig');
  await startMain(t, ['--nodes', '4', '--node-pools', '3', '--kubeconfig', join(dir, 'kubeconfig'), '--user', 'reboot-manager', '--admin-kubeconfig', admin]);
  const kc = new KubeConfig();
  kc.loadFromFile(admin);
  const nodes = await kc.makeApiClient(CoreV1Api).listNode();
  t.same(nodes.items.map((n) => n.metadata?.labels?.[AGENT_POOL_LABEL]), ['pool1', 'pool2', 'pool0', 'pool1']);
  const policies = kc.makeApiClient(CustomObjectsApi);
  const body = { apiVersion: 'rebootmanager.io/v1alpha1', kind: 'RebootPolicy', metadata: { name: 'default' }, spec: { maxUnavailable: 2 } };
  await policies.createClusterCustomObject({ group: 'rebootmanager.io', version: 'v1alpha1', plural: 'rebootpolicies', body });
  const read = (await policies.getClusterCustomObject({ group: 'rebootmanager.io', version: 'v1alpha1', plural: 'rebootpolicies', name: 'default' })) as { spec: unknown };
  t.same(read.spec, { maxUnavailable: 2 });
});

void t.test('main refuses a bad --node-pools', async (t) => {
  const loaders = process.execArgv.filter((a) => a.includes('typescript'));
  const child = spawn(process.execPath, [...loaders, MAIN, '--node-pools', 'many'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  t.equal(code, 2);
  t.match(stderr, /--node-pools must be a non-negative integer/);
});
