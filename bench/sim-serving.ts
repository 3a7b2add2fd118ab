// One simulated cluster with the real server against it, as the simulator half measures it: the simulator and
// `reboot-manager serve` in processes of their own, one node holding the one slot, and a measured run of load.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { machineIdFor } from '../src/sim/kube/fixtures.js';
import type { LoadGenerator } from './load-generator.js';
import type { LoadOptions } from './load.js';
import { cpuSecondsOf, freePort, firstJsonLine, memoryOf, startNode, type Child, type Memory } from './processes.js';
import type { ScenarioResult } from './report.js';
import { ServerLog } from './server-log.js';
import { bodyFor, post, waitReady } from './serving.js';

export interface SimServingOptions {
  /** Its own folder: kubeconfigs and the server's log. */
  readonly dir: string;
  readonly nodes: number;
  readonly imagesPerNode: number;
  /** Node pools the simulated Nodes are spread over (their agentpool label). */
  readonly pools: number;
  readonly generator: LoadGenerator;
  readonly say: (text: string) => void;
}

export interface SimServing {
  readonly serverUrl: string;
  /** The internal port: the status page and API. */
  readonly internalUrl: string;
  readonly server: Child;
  readonly serverLog: ServerLog;
  /** A cluster admin's kubeconfig, to act as an operator. */
  readonly adminKubeconfig: string;
  readonly readyMs: number;
  readonly memoryAtReady: Memory;
  /** A Zincati body for every node but the holder, in turn. */
  readonly bodies: readonly string[];
  /** One measured run of load against this server, with its CPU time and Kubernetes calls counted. */
  readonly measured: (name: string, expected: string, opts: LoadOptions) => Promise<ScenarioResult>;
  /** Resolves once the simulator has seen no Node written for QUIET_MS: the server's background writes are done. */
  readonly quiet: () => Promise<void>;
  readonly stop: () => Promise<void>;
}

const dist = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

interface SimCounters {
  byVerb: Record<string, number>;
}

async function simCounters(simUrl: string): Promise<SimCounters> {
  const res = await request(new URL('/_sim/requests', simUrl));
  return (await res.body.json()) as SimCounters;
}

/** API calls and Node/Pod reads between two counter snapshots; the Lease is the leader's heartbeat, not per request. */
function kubeDelta(before: SimCounters, after: SimCounters): { calls: number; reads: number; byVerb: Record<string, number> } {
  let reads = 0;
  let calls = 0;
  const byVerb: Record<string, number> = {};
  for (const [key, count] of Object.entries(after.byVerb)) {
    const delta = count - (before.byVerb[key] ?? 0);
    if (delta === 0 || key.includes(' /_sim/')) continue; // our own counter reads
    calls += delta;
    byVerb[key] = delta;
    const [verb, resource] = key.split(' ');
    if ((verb === 'get' || verb === 'list') && !resource?.startsWith('leases')) reads += delta;
  }
  return { calls, reads, byVerb };
}

const QUIET_MS = 2_000;
const QUIET_TIMEOUT_MS = 300_000;

const nodeWrites = (c: SimCounters): number =>
  Object.entries(c.byVerb).reduce((sum, [key, n]) => sum + (/^(patch|update) nodes/.test(key) ? n : 0), 0);

/** Polls the simulator's counters until no Node was written for QUIET_MS (a bench's settling, not a test's). */
async function untilQuiet(simUrl: string): Promise<void> {
  const deadline = performance.now() + QUIET_TIMEOUT_MS;
  let last = nodeWrites(await simCounters(simUrl));
  let still = performance.now();
  while (performance.now() - still < QUIET_MS) {
    if (performance.now() > deadline) throw new Error(`the server kept writing Nodes for ${QUIET_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = nodeWrites(await simCounters(simUrl));
    if (now !== last) [last, still] = [now, performance.now()];
  }
}

export async function startSimServing(o: SimServingOptions): Promise<SimServing> {
  const children: Child[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(children.map((c) => c.stop()));
    await serverLog?.close();
  };
  let serverLog: ServerLog | undefined;
  try {
    await mkdir(o.dir, { recursive: true });
    const kubeconfig = join(o.dir, 'kubeconfig');
    const adminKubeconfig = join(o.dir, 'admin-kubeconfig');
    o.say(`starting the Kubernetes API simulator with ${o.nodes} nodes of ${o.imagesPerNode} images each, in ${o.pools} node pools`);
    const sim = startNode(dist('src/sim/kube/main.js'), [
      '--nodes', String(o.nodes), '--image-count', String(o.imagesPerNode), '--node-pools', String(o.pools), '--kubeconfig', kubeconfig, '--user', 'reboot-manager',
      '--admin-kubeconfig', adminKubeconfig, '--port', '0', '--node-address', '127.0.0.1',
    ]);
    children.push(sim);
    const simUrl = String((await firstJsonLine(sim, 'the simulator')).url);

    const [port, internalPort] = [await freePort(), await freePort()];
    const serverUrl = `http://127.0.0.1:${port}/`;
    // The shipped defaults (log level info) unless BENCH_LOG_LEVEL says otherwise; its stdout goes to a file.
    const logLevel = process.env.BENCH_LOG_LEVEL;
    o.say(`starting reboot-manager serve at log level ${logLevel ?? 'info (the default)'}`);
    const log = await ServerLog.create(join(o.dir, 'server.log'));
    serverLog = log;
    const started = performance.now();
    const server = startNode(dist('src/cli/main.js'), ['serve', '--kubeconfig', kubeconfig, '--listen', `127.0.0.1:${port}`, '--internal-listen', `127.0.0.1:${internalPort}`, ...(logLevel ? ['--log-level', logLevel] : []), '--identity', 'bench'], process.env, log.fd);
    children.push(server);
    await waitReady(`http://127.0.0.1:${internalPort}/`, server);
    const readyMs = performance.now() - started;
    const memoryAtReady = await memoryOf(server.pid);
    o.say(`server ready after ${(readyMs / 1000).toFixed(2)} s, ${memoryAtReady.rssMiB.toFixed(0)} MiB resident`);

    // The simulator numbers its machines from 0 or 1: find out from the server rather than assume.
    const first = (await post(serverUrl, 'v1/steady-state', bodyFor(machineIdFor(0)))).status === 200 ? 0 : 1;
    const [holder, ...others] = Array.from({ length: o.nodes }, (_, i) => machineIdFor(first + i));
    if (holder === undefined) throw new Error('no nodes');
    const grant = await post(serverUrl, 'v1/pre-reboot', bodyFor(holder));
    if (grant.status !== 200) throw new Error(`could not make one node hold the slot: ${grant.status} ${grant.text}`);

    const measured = async (name: string, expected: string, opts: LoadOptions): Promise<ScenarioResult> => {
      o.say(`scenario: ${name}`);
      const before = await simCounters(simUrl);
      const cpuBefore = await cpuSecondsOf(server.pid);
      const result = await o.generator.run(opts);
      const cpuUsPerRequest = ((await cpuSecondsOf(server.pid)) - cpuBefore) * 1e6 / result.sent;
      o.say(`  ${result.perSecond.toFixed(0)} req/s, ${cpuUsPerRequest.toFixed(1)} CPU µs/request`);
      const { calls, reads, byVerb } = kubeDelta(before, await simCounters(simUrl));
      const sent = result.sent;
      return { name, expected, load: result, cpuUsPerRequest, kubeCallsPerRequest: calls / sent, kubeReadsPerRequest: reads / sent, kubeCalls: byVerb };
    };
    return { serverUrl, internalUrl: `http://127.0.0.1:${internalPort}/`, server, serverLog: log, adminKubeconfig, readyMs, memoryAtReady, bodies: others.map(bodyFor), measured, quiet: () => untilQuiet(simUrl), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
