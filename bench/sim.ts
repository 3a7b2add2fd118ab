// The simulator half of `npm run bench`: the real server in its own process against a 5,000-node simulated cluster, under load.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { machineIdFor } from '../src/sim/kube/fixtures.js';
import { chooseLoadGenerator } from './load-generator.js';
import type { LoadOptions } from './load.js';
import { cpuSecondsOf, freePort, firstJsonLine, memoryOf, startNode, type Child } from './processes.js';
import { ServerLog, volumeText } from './server-log.js';
import { benchDrain } from './drain.js';
import { drainFloor, drainMarkdown } from './drain-report.js';
import { checkFloors, markdown, type ScenarioResult } from './report.js';
import { bodyFor, interleavedRounds, post, waitReady } from './serving.js';
import { startAlertStub, type AlertStub } from './alert-stub.js';
import { benchPolicySpec, policySummary, POOLS } from './policy.js';
import { policyFloors, policyMarkdown } from './policy-report.js';
import { PolicySwitch } from './policy-switch.js';

const NODES = Number(process.env.BENCH_NODES ?? 5000);
const IMAGES_PER_NODE = 50; // ~40 KB per Node, like a real one
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const dist = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));
const say = (text: string): void => void process.stderr.write(`bench: ${text}\n`);

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

async function main(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'reboot-manager-bench-'));
  const children: Child[] = [];
  let serverLog: ServerLog | undefined;
  let alerts: AlertStub | undefined;
  try {
    const generator = await chooseLoadGenerator();
    if (generator.warning) say(generator.warning);
    const kubeconfig = join(dir, 'kubeconfig');
    const adminKubeconfig = join(dir, 'admin-kubeconfig');
    say(`starting the Kubernetes API simulator with ${NODES} nodes of ${IMAGES_PER_NODE} images each, in ${POOLS} node pools`);
    const sim = startNode(dist('src/sim/kube/main.js'), [
      '--nodes', String(NODES), '--image-count', String(IMAGES_PER_NODE), '--node-pools', String(POOLS), '--kubeconfig', kubeconfig, '--user', 'reboot-manager',
      '--admin-kubeconfig', adminKubeconfig, '--port', '0', '--node-address', '127.0.0.1',
    ]);
    children.push(sim);
    const simUrl = String((await firstJsonLine(sim, 'the simulator')).url);

    const [port, internalPort] = [await freePort(), await freePort()];
    const serverUrl = `http://127.0.0.1:${port}/`;
    // The shipped defaults (log level info) unless BENCH_LOG_LEVEL says otherwise; its stdout goes to a file.
    const logLevel = process.env.BENCH_LOG_LEVEL;
    say(`starting reboot-manager serve at log level ${logLevel ?? 'info (the default)'}`);
    serverLog = await ServerLog.create(join(dir, 'server.log'));
    const started = performance.now();
    const server = startNode(dist('src/cli/main.js'), ['serve', '--kubeconfig', kubeconfig, '--listen', `127.0.0.1:${port}`, '--internal-listen', `127.0.0.1:${internalPort}`, ...(logLevel ? ['--log-level', logLevel] : []), '--identity', 'bench'], process.env, serverLog.fd);
    children.push(server);
    await waitReady(`http://127.0.0.1:${internalPort}/`, server);
    const readyMs = performance.now() - started;
    const memoryAtReady = await memoryOf(server.pid);
    say(`server ready after ${(readyMs / 1000).toFixed(2)} s, ${memoryAtReady.rssMiB.toFixed(0)} MiB resident`);

    const bare = startNode(dist('bench/bare-server.js'), []);
    children.push(bare);
    const bareUrl = String((await firstJsonLine(bare, 'the bare Fastify server')).url);

    // The simulator numbers its machines from 0 or 1: find out from the server rather than assume.
    const first = (await post(serverUrl, 'v1/steady-state', bodyFor(machineIdFor(0)))).status === 200 ? 0 : 1;
    const machineIds = Array.from({ length: NODES }, (_, i) => machineIdFor(first + i));
    const [holder, ...others] = machineIds;
    if (holder === undefined) throw new Error('no nodes');
    const bodies = others.map(bodyFor);

    const load = (origin: string, path: string): LoadOptions => generator.options(origin, path, bodies);
    const measured = async (name: string, expected: string, opts: LoadOptions): Promise<ScenarioResult> => {
      say(`scenario: ${name}`);
      const before = await simCounters(simUrl);
      const cpuBefore = await cpuSecondsOf(server.pid);
      const result = await generator.run(opts);
      const cpuUsPerRequest = ((await cpuSecondsOf(server.pid)) - cpuBefore) * 1e6 / result.sent;
      say(`  ${result.perSecond.toFixed(0)} req/s, ${cpuUsPerRequest.toFixed(1)} CPU µs/request`);
      const { calls, reads, byVerb } = kubeDelta(before, await simCounters(simUrl));
      const sent = result.sent;
      return { name, expected, load: result, cpuUsPerRequest, kubeCallsPerRequest: calls / sent, kubeReadsPerRequest: reads / sent, kubeCalls: byVerb };
    };

    const grant = await post(serverUrl, 'v1/pre-reboot', bodyFor(holder));
    if (grant.status !== 200) throw new Error(`could not make one node hold the slot: ${grant.status} ${grant.text}`);

    alerts = await startAlertStub();
    const spec = benchPolicySpec(Date.now(), alerts.url);
    const policy = await PolicySwitch.create({ adminKubeconfig, spec, serverLog, probe: () => post(serverUrl, 'v1/pre-reboot', bodies[0] ?? '') });

    await serverLog.startCounting();
    const rounds = await interleavedRounds({ rounds: ROUNDS, measured, load, run: (o) => generator.run(o), bareCpuSeconds: () => cpuSecondsOf(bare.pid), say, policy }, serverUrl, bareUrl);
    const { steady, refused, ceiling, refusedWithPolicy, policyRuns } = rounds;
    if (!refusedWithPolicy || !policyRuns) throw new Error('the policy scenario did not run');
    const logged = await serverLog.volume();

    const memory = await memoryOf(server.pid);
    const configuration = [
      `Server: reboot-manager serve, shipped defaults, log level ${logLevel ?? 'info (the default)'}, stdout to a file; the simulated Nodes list 127.0.0.1 as their ExternalIP (every request comes from there).`,
      `Load: ${generator.description}; ${ROUNDS} rounds, each scenario's best kept; every request a different node's Zincati body in turn.`,
      `Server log during the load: ${volumeText(logged)}.`,
      ...(generator.warning ? ['', generator.warning] : []),
    ];
    const figures = { nodes: NODES, concurrency: load(serverUrl, '/').concurrency, scenarios: [steady, refused, refusedWithPolicy], ceiling, memory, memoryAtReady, readyMs, configuration, logLines: logged.lines };
    const floors = checkFloors(figures);
    process.stdout.write(markdown(figures, floors));
    const comparison = {
      without: refused,
      with: refusedWithPolicy,
      runs: policyRuns,
      configuration: [
        `Cluster: ${NODES} simulated Nodes in ${POOLS} node pools of ${NODES / POOLS} (label kubernetes.azure.com/agentpool); one node holds the one slot (--max-rebooting 1), so every other node's pre-reboot is refused.`,
        `Load: ${generator.description}; ${ROUNDS} rounds of four runs back to back (without, with, with, without the policy; the reverse in even rounds), each side's best run kept.`,
        `Policy: ${policySummary(spec)} The alert blocker was asked ${alerts.asked()} times during the bench.`,
      ],
    };
    const policyChecks = policyFloors(comparison);
    process.stdout.write(`\n${policyMarkdown(comparison, policyChecks)}`);
    return floors.concat(policyChecks).every((f) => f.pass) ? 0 : 1;
  } finally {
    await alerts?.close();
    await Promise.all(children.map((c) => c.stop()));
    await serverLog?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const DRAIN_PODS = 110;
const DRAIN_GRACE_MS_PER_SECOND = 25;

/** Drains a 110-pod node in-process against the simulator, with the shipped drain defaults. */
async function drainBench(): Promise<number> {
  say('scenario: drain a node with 110 pods');
  const result = await benchDrain({ pods: DRAIN_PODS, graceMsPerSecond: DRAIN_GRACE_MS_PER_SECOND });
  const floor = drainFloor(result);
  process.stdout.write(`\n${drainMarkdown(result, DRAIN_PODS, DRAIN_GRACE_MS_PER_SECOND, floor)}`);
  return floor.pass ? 0 : 1;
}

/** The simulator scenarios: serving under load, then the drain; 0 when every floor holds. */
export async function simBench(): Promise<number> {
  process.stdout.write('## Simulator\n\n');
  const serving = await main();
  return Math.max(serving, await drainBench());
}
