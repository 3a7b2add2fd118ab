// `reboot-manager demo`: a simulated cluster, the real server and a simulated Zincati fleet, told as a story.
import { ConfigError } from '../config/options.js';
import { Fleet } from './fleet/fleet.js';
import { HolderWatch, holdsSlot } from './fleet/holder-watch.js';
import { ZINCATI_TICK_MS } from './fleet/zincati-agent.js';
import { startSimCluster } from './demo/cluster.js';
import { parseDemoOptions } from './demo/options.js';
import { AgentNarrator, StoryWriter, bootIdOf, isReady, narrateNodes } from './demo/story.js';
import { summarize, type NodeOutcome } from './demo/summary.js';

/** Simulated time from going down until Zincati runs again. */
const BOOT_MS = 60_000;

export async function runDemo(argv: string[], write: (text: string) => void = (t) => void process.stdout.write(t)): Promise<number> {
  const opts = parseDemoOptions(argv, process.env);
  if (opts.maxRebooting > opts.nodes) throw new ConfigError(`invalid --max-rebooting ${opts.maxRebooting}: the demo has only ${opts.nodes} nodes`);
  const story = new StoryWriter(write);
  story.line('demo', `starting a simulated cluster of ${opts.nodes} nodes and the reboot-manager server (at most ${opts.maxRebooting} rebooting at once)`);

  const cluster = await startSimCluster({ nodes: opts.nodes, maxRebooting: opts.maxRebooting });
  const { sim, server, members } = cluster;
  const holders = new HolderWatch(sim.store);
  const stopNarrating = narrateNodes(sim.store, story, () => ({ count: holders.current.length, allowed: opts.maxRebooting }));
  const narrator = new AgentNarrator();
  const fleet = new Fleet({
    baseUrl: server.url,
    host: sim.store,
    members,
    timeScale: opts.timeScale,
    seed: opts.seed,
    bootMs: BOOT_MS,
    onEvent: (event) => {
      const text = narrator.describe(event, isReady(sim.store.getNode(event.node)));
      if (text) story.line(event.node, text);
    },
  });
  const bootIdsBefore = new Map(members.map((m) => [m.name, bootIdOf(sim.store.getNode(m.name))]));

  try {
    const first = fleet.agents[0];
    write(
      [
        '',
        `  Kubernetes API simulator: ${sim.url}`,
        `  reboot-manager (FleetLock): ${server.url}`,
        `  ask for ${first?.node}'s slot yourself:`,
        `  curl -X POST -H 'fleet-lock-protocol: true' -d '{"client_params":{"id":"${first?.id}","group":"default"}}' ${server.url}v1/pre-reboot`,
        '',
        '',
      ].join('\n'),
    );
    fleet.start();
    fleet.stageUpdates();
    story.line('demo', `update staged on all ${opts.nodes} nodes: each Zincati asks for a slot every ${ZINCATI_TICK_MS / 1000} s (simulated: ${(ZINCATI_TICK_MS / opts.timeScale / 1000).toFixed(2)} s here)`);

    const timeoutMs = 10_000 + (3 * opts.nodes * (ZINCATI_TICK_MS * 1.1 + BOOT_MS * 1.5)) / opts.timeScale / opts.maxRebooting;
    const finished = await sim.store
      .waitFor(() => members.every((m) => backAfterUpdate(m.name)), { timeoutMs, description: 'every node updated and released' })
      .then(
        () => true,
        () => false,
      );
    if (!finished) story.line('demo', `gave up waiting after ${(timeoutMs / 1000).toFixed(0)} s`);
    // The kubelet may be Ready (and the slot released) before Zincati's steady-state: let it land.
    if (finished) await fleet.whenUpdated();

    const nodes: NodeOutcome[] = members.map((m) => {
      const node = sim.store.getNode(m.name);
      return { name: m.name, bootIdBefore: bootIdsBefore.get(m.name) ?? '', bootIdAfter: bootIdOf(node), ready: isReady(node), holdsSlot: holdsSlot(node) };
    });
    const report = fleet.report();
    const summary = summarize({
      nodes,
      maxHolders: holders.max,
      allowed: opts.maxRebooting,
      elapsedMs: story.elapsedMs,
      errors: report.nodes.flatMap((n) => n.errors.map((e) => `${n.node}: ${e}`)),
    });
    write(`\n${summary.text}`);

    if (opts.keepRunning) {
      write(`\nStill running: FleetLock at ${server.url}, Kubernetes API simulator at ${sim.url}.\nPress Ctrl-C (or send SIGTERM to pid ${process.pid}) to stop.\n`);
      await untilSignal();
      write('stopping the agents, the server and the simulator...\n');
    }
    return summary.ok ? 0 : 1;
  } finally {
    await fleet.stop();
    stopNarrating();
    holders.stop();
    await cluster.close();
  }

  function backAfterUpdate(name: string): boolean {
    const node = sim.store.getNode(name);
    return bootIdOf(node) !== bootIdsBefore.get(name) && isReady(node) && !holdsSlot(node);
  }
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
