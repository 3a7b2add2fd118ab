// The standalone simulator process: nodes with deterministic machine-ids, a kubeconfig, request counters.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { machineIdFor } from '../../src/sim/kube/index.js';

const MAIN = fileURLToPath(new URL('../../src/sim/kube/main.ts', import.meta.url));

void t.test('main serves N nodes and counts requests at /_sim/requests', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sim-main-'));
  const kubeconfig = join(dir, 'kubeconfig');
  // The TypeScript loader tap runs this test with also runs main.ts.
  const loaders = process.execArgv.filter((a) => a.includes('typescript'));
  const child = spawn(process.execPath, [...loaders, MAIN, '--nodes', '3', '--image-count', '50', '--kubeconfig', kubeconfig, '--user', 'reboot-manager'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGTERM');
  });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const { url } = JSON.parse(line) as { url: string };
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
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  t.equal(code, 0, 'exits cleanly on SIGTERM');
});
