// The simulator half of `npm run bench`: the real server in its own process against a 5,000-node simulated cluster, under load.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENT_POOL_LABEL } from '../src/sim/kube/fixtures.js';
import { startAlertStub } from './alert-stub.js';
import { benchDrain } from './drain.js';
import { drainFloor, drainMarkdown } from './drain-report.js';
import { chooseLoadGenerator } from './load-generator.js';
import type { LoadOptions } from './load.js';
import { applyPolicy } from './policy-apply.js';
import { policyFloors, policyMarkdown } from './policy-report.js';
import { pageBench } from './page/run.js';
import { benchPolicySpec, policySummary, POOLS } from './policy.js';
import { cpuSecondsOf, firstJsonLine, memoryOf, startNode } from './processes.js';
import { checkFloors, markdown } from './report.js';
import { volumeText } from './server-log.js';
import { interleavedRounds, post } from './serving.js';
import { policyRounds } from './policy-rounds.js';
import { startSimServing } from './sim-serving.js';

const NODES = Number(process.env.BENCH_NODES ?? 5000);
const IMAGES_PER_NODE = 50; // ~40 KB per Node, like a real one
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const POLICY_ROUNDS = Number(process.env.BENCH_POLICY_ROUNDS ?? 4);

const PRE_REBOOT = '/v1/pre-reboot';
// Half the nodes only ask to reboot and the other half only report steady state, as in a fleet: a waiting node
// stays recorded as waiting (no Node write per run), and no run measures nodes flipping between the two.
const asking = (bodies: readonly string[]): string[] => bodies.filter((_, i) => i % 2 === 1);
const steadyHalf = (bodies: readonly string[]): string[] => bodies.filter((_, i) => i % 2 === 0);

const dist = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));
const say = (text: string): void => void process.stderr.write(`bench: ${text}\n`);

async function main(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'reboot-manager-bench-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    const generator = await chooseLoadGenerator();
    if (generator.warning) say(generator.warning);
    const cluster = { nodes: NODES, imagesPerNode: IMAGES_PER_NODE, pools: POOLS, generator, say };
    const plain = await startSimServing({ ...cluster, dir: join(dir, 'plain') });
    stops.push(plain.stop);
    // The same again with the RebootPolicy in force: created once, so no run measures the server changing policy.
    say('a second cluster and server, for the RebootPolicy');
    const alerts = await startAlertStub();
    stops.push(alerts.close);
    const governed = await startSimServing({ ...cluster, dir: join(dir, 'policy') });
    stops.push(governed.stop);
    const spec = benchPolicySpec(Date.now(), alerts.url);
    await applyPolicy({ adminKubeconfig: governed.adminKubeconfig, spec, probe: () => post(governed.serverUrl, 'v1/pre-reboot', governed.bodies[0] ?? '') });

    const bare = startNode(dist('bench/bare-server.js'), []);
    stops.push(() => bare.stop());
    const bareUrl = String((await firstJsonLine(bare, 'the bare Fastify server')).url);

    const { serverUrl, serverLog, server } = plain;
    const load = (origin: string, path: string): LoadOptions => generator.options(origin, path, path === PRE_REBOOT ? asking(plain.bodies) : steadyHalf(plain.bodies));
    say('warming: every asking node refused once, then its waiting record written');
    await generator.run(load(serverUrl, PRE_REBOOT));
    await plain.quiet();
    await serverLog.startCounting();
    const rounds = await interleavedRounds({ rounds: ROUNDS, measured: plain.measured, load, run: (o) => generator.run(o), bareCpuSeconds: () => cpuSecondsOf(bare.pid), say }, serverUrl, bareUrl);
    const { steady, refused, ceiling } = rounds;
    const logged = await serverLog.volume();
    await governed.serverLog.startCounting();
    const compared = await policyRounds({ rounds: POLICY_ROUNDS, without: plain, with: governed, load: (s) => generator.options(s.serverUrl, PRE_REBOOT, asking(s.bodies)), warm: (o) => generator.run(o), say });
    const loggedUnderPolicy = await governed.serverLog.volume();

    const memory = await memoryOf(server.pid);
    const logLevel = process.env.BENCH_LOG_LEVEL;
    const configuration = [
      `Server: reboot-manager serve, shipped defaults, log level ${logLevel ?? 'info (the default)'}, stdout to a file; the simulated Nodes list 127.0.0.1 as their ExternalIP (every request comes from there).`,
      `Load: ${generator.description}; ${ROUNDS} rounds, each scenario's best kept. Steady-state comes from one half of the nodes and pre-reboot from the other, each request a different node's Zincati body in turn; one unmeasured pre-reboot run first, and a wait until the server has written every asking node's waiting record (a first refusal writes one; later ones within 15 min write nothing).`,
      `Server log during the load: ${volumeText(logged)}.`,
      ...(generator.warning ? ['', generator.warning] : []),
    ];
    const figures = { nodes: NODES, concurrency: load(serverUrl, '/').concurrency, scenarios: [steady, refused], ceiling, memory, memoryAtReady: plain.memoryAtReady, readyMs: plain.readyMs, configuration, logLines: logged.lines };
    const floors = checkFloors(figures);
    process.stdout.write(markdown(figures, floors));
    const comparison = {
      ...compared,
      configuration: [
        `Clusters: two, alike: ${NODES} simulated Nodes each in ${POOLS} node pools of ${NODES / POOLS} (label ${AGENT_POOL_LABEL}), one node holding the one slot (--max-rebooting 1) so every other node's pre-reboot is refused, each with its own reboot-manager serve (shipped defaults); one has no RebootPolicy, the other this one, created once before the load.`,
        `Load: ${generator.description}; after the rounds above, one unmeasured run against each server and a wait until neither writes Nodes (each first refusal records the node as waiting; later ones within 15 min write nothing), then ${POLICY_ROUNDS} rounds of four runs back to back (without, with, with, without the policy; the reverse in even rounds), each side's best run shown; the floor takes the median of the back-to-back pairs.`,
        `Policy: ${policySummary(spec)} The alert blocker was asked ${alerts.asked()} times.`,
        `Server with the policy: ${(await memoryOf(governed.server.pid)).rssMiB.toFixed(0)} MiB resident after the load; its log during the load: ${volumeText(loggedUnderPolicy)}.`,
      ],
    };
    const policyChecks = policyFloors(comparison);
    process.stdout.write(`\n${policyMarkdown(comparison, policyChecks)}`);
    return floors.concat(policyChecks).every((f) => f.pass) ? 0 : 1;
  } finally {
    for (const stop of stops.reverse()) await stop();
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
  const drain = await drainBench();
  return Math.max(serving, drain, await pageBench());
}
