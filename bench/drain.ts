// Bench scenario: drain a node with 110 pods whose grace periods vary, in-process against the simulator.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseServeConfig } from '../src/config/serve.js';
import { FleetLockClient } from '../src/fleetlock/client.js';
import { zincatiId } from '../src/identity/app-specific-id.js';
import { startServer } from '../src/server.js';
import { REBOOT_MANAGER_USER, loopbackAddress, machineIdFor, makeNode, makePdb, makePod, startKubeSim } from '../src/sim/kube/index.js';

const SERVICE_ACCOUNT_USER = 'system:serviceaccount:reboot-manager:reboot-manager';

export interface DrainBenchOptions {
  readonly pods?: number;
  /** Grace periods cycle from 1 s up to this many seconds. */
  readonly maxGraceSeconds?: number;
  /** Real ms per simulated grace second. */
  readonly graceMsPerSecond?: number;
  /** Extra `serve` flags, e.g. `['--eviction-rate', '20']`; default: the shipped defaults. */
  readonly flags?: string[];
}

export interface DrainBenchResult {
  /** From the first pre-reboot to the 200. */
  readonly wallMs: number;
  /** The longest grace period on the node, in real ms: the floor of wallMs. */
  readonly longestGraceMs: number;
  /** Kubernetes API requests reboot-manager made during the drain, per pod drained. */
  readonly apiCallsPerPod: number;
}

export async function benchDrain(opts: DrainBenchOptions = {}): Promise<DrainBenchResult> {
  const pods = opts.pods ?? 110;
  const maxGrace = opts.maxGraceSeconds ?? 120;
  const scale = opts.graceMsPerSecond ?? 10;
  const sim = await startKubeSim({ graceMsPerSecond: scale, controllers: { replaceEvicted: true, readyDelayMs: 0 } });
  const dir = await mkdtemp(join(tmpdir(), 'drain-bench-'));
  try {
    for (let i = 1; i <= 3; i++) sim.store.createNode(makeNode({ name: `node-${i}`, machineID: machineIdFor(i), address: loopbackAddress(i) }));
    let longestGrace = 0;
    // 22 apps with 5 pods each on the node, each under a budget that allows what one node holds:
    // budgets are checked on every eviction but do not serialize the drain.
    for (let i = 0; i < pods; i++) {
      const app = `app-${i % 22}`;
      const grace = 1 + ((i * 37) % maxGrace);
      longestGrace = Math.max(longestGrace, grace);
      sim.store.createPod(makePod({ namespace: 'bench', name: `${app}-${i}`, nodeName: 'node-1', owner: { kind: 'ReplicaSet', name: app, uid: `rs-${app}` }, labels: { app }, terminationGracePeriodSeconds: grace }));
    }
    for (let a = 0; a < 22; a++) sim.store.createPdb(makePdb({ namespace: 'bench', name: `app-${a}`, selector: { app: `app-${a}` }, maxUnavailable: 5 }));
    const kubeconfig = join(dir, 'kubeconfig');
    await sim.writeKubeconfig(kubeconfig, REBOOT_MANAGER_USER);
    const config = parseServeConfig(['--listen', '127.0.0.1:0', '--internal-listen', '127.0.0.1:0', '--kubeconfig', kubeconfig, '--identity', 'bench', '--lease-duration', '2s', ...(opts.flags ?? [])], {});
    const server = await startServer(config, { logger: pino({ level: 'silent' }) });
    const client = new FleetLockClient({ baseUrl: server.url, id: zincatiId(machineIdFor(1)), group: 'default', timeoutMs: 60_000, localAddress: loopbackAddress(1) });
    try {
      await server.whenServing();
      sim.requests.reset();
      const start = performance.now();
      let answer = await client.preReboot();
      while (!answer.ok) {
        await sim.store.waitFor(() => sim.store.getNode('node-1')?.metadata.annotations?.['rebootmanager/drain']?.startsWith('drained'), { timeoutMs: 600_000 });
        answer = await client.preReboot();
      }
      const wallMs = performance.now() - start;
      const calls = sim.requests.list({ user: SERVICE_ACCOUNT_USER }).filter((r) => r.resource !== 'leases' && r.resource !== 'events').length;
      return { wallMs, longestGraceMs: longestGrace * scale, apiCallsPerPod: calls / pods };
    } finally {
      await client.close();
      await server.close();
    }
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}
