// The real-control-plane half of `npm run bench`: reboot-manager serve against kube-apiserver with 5,000 Nodes.
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { pollUntil } from '../../kit/poll.js';
import { chooseLoadGenerator, type LoadGenerator } from '../load-generator.js';
import type { LoadOptions } from '../load.js';
import { firstJsonLine, freePort, memoryOf, startNode, type Child } from '../processes.js';
import { checkFloors, markdown, type ScenarioResult } from '../report.js';
import { ServerLog, volumeText } from '../server-log.js';
import { bodyFor, interleavedRounds, post, waitReady } from '../serving.js';
import { isRead, total } from './audit.js';
import { NAMESPACE, startBenchCluster, type BenchCluster } from './cluster.js';
import { deployDrainWorkload, drainWorkloadReady, measureDrain } from './drain.js';
import { startHeartbeats, type Heartbeats } from './heartbeats.js';
import { realDrainMarkdown } from './report.js';

const NODES = Number(process.env.BENCH_REAL_NODES ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const dist = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const say = (text: string): void => void process.stderr.write(`bench: ${text}\n`);

/** The server's V8 heap (used, allocated) in MiB, from its own /metrics (internal port): how much of the resident memory is live. */
async function heapOf(internalUrl: string): Promise<{ used: number; total: number }> {
  const res = await request(new URL('metrics', internalUrl));
  const text = await res.body.text();
  const metric = (name: string): number => Number(new RegExp(`^reboot_manager_${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20;
  return { used: metric('nodejs_heap_size_used_bytes'), total: metric('nodejs_heap_size_total_bytes') };
}

/** The serving scenarios against the product and the bare route, interleaved over rounds, each keeping its best. */
async function serving(cluster: BenchCluster, generator: LoadGenerator, serverUrl: string, bareUrl: string): Promise<ScenarioResult[]> {
  const bodies = cluster.fleet.map((n) => bodyFor(n.machineId));
  const load = (origin: string, path: string): LoadOptions => generator.options(origin, path, bodies);
  const measured = async (name: string, expected: string, opts: LoadOptions): Promise<ScenarioResult> => {
    say(`scenario: ${name}`);
    const mark = await cluster.audit.mark();
    const result = await generator.run(opts);
    const calls = await cluster.audit.since(mark);
    const sent = result.sent;
    return { name, expected, load: result, kubeCallsPerRequest: total(calls) / sent, kubeReadsPerRequest: total(calls, (k) => !isRead(k)) / sent, kubeCalls: calls };
  };
  const { steady, refused, ceiling } = await interleavedRounds({ rounds: ROUNDS, measured, load, run: (o) => generator.run(o), say }, serverUrl, bareUrl);
  return [steady, refused, ceiling];
}

/** Runs every real-cluster scenario and prints its tables; 0 when every floor holds. */
export async function realBench(): Promise<number> {
  const began = performance.now();
  const generator = await chooseLoadGenerator();
  if (generator.warning) say(generator.warning);
  const loadAtStart = loadavg()[0] ?? NaN;
  const cluster = await startBenchCluster(NODES);
  const children: Child[] = [];
  let heartbeats: Heartbeats | undefined;
  let serverLog: ServerLog | undefined;
  try {
    const { plane, drainNode } = cluster;
    say(`${NODES} Nodes created in ${cluster.createSeconds.toFixed(1)} s; starting 110 pods on ${drainNode.name}`);
    await deployDrainWorkload(plane.admin, drainNode.name);
    await pollUntil('110 pods Running and their budgets computed', () => drainWorkloadReady(plane.admin, drainNode.name), { timeoutMs: 600_000, intervalMs: 500 });

    // From here on, the Node status writes a fleet of this size makes, as the product's Node watch sees them.
    heartbeats = startHeartbeats(plane.admin, cluster.fleet.map((n) => n.name));
    const [port, internalPort] = [await freePort(), await freePort()];
    const serverUrl = `http://127.0.0.1:${port}/`;
    const internalUrl = `http://127.0.0.1:${internalPort}/`;
    say('starting reboot-manager serve as its ServiceAccount');
    const started = performance.now();
    // The shipped defaults (log level info) unless BENCH_LOG_LEVEL says otherwise, as in the simulator column.
    const logLevel = process.env.BENCH_LOG_LEVEL;
    // Its stdout in a file, as a container runtime keeps it: how much it logs under load is a figure.
    serverLog = await ServerLog.create(join(plane.dir, 'bench-server.log'));
    const server = startNode(dist('src/cli/main.js'), ['serve', '--listen', `127.0.0.1:${port}`, '--internal-listen', `127.0.0.1:${internalPort}`, ...(logLevel ? ['--log-level', logLevel] : []), '--identity', 'bench'], {
      ...process.env, KUBECONFIG: cluster.productKubeconfig, REBOOT_MANAGER_NAMESPACE: NAMESPACE,
    }, serverLog.fd);
    children.push(server);
    await waitReady(internalUrl, server);
    const readyMs = performance.now() - started;
    const memoryAtReady = await memoryOf(server.pid);
    say(`server ready after ${(readyMs / 1000).toFixed(2)} s, ${memoryAtReady.rssMiB.toFixed(0)} MiB resident`);

    // The drain also leaves its node holding the one slot, so every other node's pre-reboot is refused below.
    say('scenario: drain a node with 110 pods');
    const drainBody = bodyFor(drainNode.machineId);
    const drain = await measureDrain({ admin: plane.admin, audit: cluster.audit, node: drainNode.name, preReboot: async () => (await post(serverUrl, 'v1/pre-reboot', drainBody)).status });

    const memoryAfterDrain = await memoryOf(server.pid);
    const bare = startNode(dist('bench/bare-server.js'), []);
    children.push(bare);
    const bareUrl = String((await firstJsonLine(bare, 'the bare Fastify server')).url);
    await serverLog.startCounting();
    const [steady, refused, ceiling] = await serving(cluster, generator, serverUrl, bareUrl);
    const logged = await serverLog.volume();
    if (!steady || !refused || !ceiling) throw new Error('a scenario is missing');
    const memory = await memoryOf(server.pid);
    const heap = await heapOf(internalUrl);
    const beats = heartbeats.written();

    const clusterLine = [
      `Cluster: kube-apiserver ${plane.kubernetesVersion} (etcd, controller-manager, scheduler, kwok) on 127.0.0.1; ${NODES} Nodes (~40 KB each),`,
      `${NODES - 1} of them Ready with no kubelet (kwok's heartbeats for thousands of nodes would take both cores; the node lifecycle controller's grace period is 24 h so they stay Ready),`,
      `their status re-posted once per 5 minutes each as a kubelet does (${((NODES - 1) / 300).toFixed(1)} writes/s; ${beats.ok} written, ${beats.failed} failed, during the run),`,
      `and one kwok node; reboot-manager serve as its ServiceAccount with the shipped RBAC and defaults, log level ${logLevel ?? 'info (the default)'};`,
      `load: ${generator.description};`,
      `Node ${process.version}, ${availableParallelism()} CPUs, load average ${loadAtStart.toFixed(2)} at the start.`,
    ].join(' ');
    const figures = { nodes: NODES, concurrency: generator.options(serverUrl, '/', []).concurrency, scenarios: [steady, refused], ceiling, memory, memoryAtReady, readyMs, clusterLine, logLines: logged.lines };
    const floors = checkFloors(figures);
    const drainTable = realDrainMarkdown(drain, memoryAfterDrain);
    process.stdout.write(`\n## Real API server\n\n${markdown(figures, floors)}\n${drainTable.text}`);
    process.stdout.write(`\nServer log during the load: ${volumeText(logged)}.\n`);
    process.stdout.write(`\nServer V8 heap after the load: ${heap.used.toFixed(0)} MiB used of ${heap.total.toFixed(0)} MiB allocated (the rest of the resident memory is code, buffers and heap not yet returned).\n`);
    process.stdout.write(`\nReal run: ${((performance.now() - began) / 1000).toFixed(0)} s in all (Nodes created in ${cluster.createSeconds.toFixed(1)} s); load average ${(loadavg()[0] ?? NaN).toFixed(2)} at the end.\n`);
    return floors.every((f) => f.pass) && drainTable.pass ? 0 : 1;
  } finally {
    await heartbeats?.stop();
    await Promise.all(children.map((c) => c.stop()));
    await serverLog?.close();
    await cluster.stop();
  }
}
