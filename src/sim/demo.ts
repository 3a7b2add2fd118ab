// `reboot-manager demo`: a simulated cluster, the real server, a simulated Zincati fleet and one Azure event, told as a story.
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { ConfigError } from '../config/options.js';
import type { PlatformEventResult } from './azure/platform.js';
import { Fleet } from './fleet/fleet.js';
import { HolderWatch, holdsSlot } from './fleet/holder-watch.js';
import { ZINCATI_TICK_MS } from './fleet/zincati-agent.js';
import { startAzureDemo } from './demo/azure.js';
import { startSimCluster } from './demo/cluster.js';
import { parseDemoOptions } from './demo/options.js';
import { AgentNarrator, StoryWriter, bootIdOf, isReady, narrateNodes } from './demo/story.js';
import { summarize, type AzureEventOutcome, type DemoOutcome, type DemoSummary, type NodeOutcome, type RebootTime } from './demo/summary.js';
import { WorkloadWatch, demoApps, seedApps } from './demo/workloads.js';
import { historyOf } from '../slot/history.js';
import { untilSignal } from '../cli/until-signal.js';

/** Simulated time from going down until Zincati runs again. */
const BOOT_MS = 60_000;
/** The Azure event: a Reboot with the minimum notice, arriving one and a half Zincati ticks into the rollout. */
const AZURE_NOTICE_MS = 15 * 60_000;
const AZURE_AFTER_MS = 1.5 * ZINCATI_TICK_MS;
/** Simulated time from a replacement pod's creation until it is Ready. */
const POD_READY_MS = 15_000;
/** The server's default --urgent-groups. */
const URGENT_GROUPS = new Set(['azure-urgent']);

export async function runDemo(argv: string[], write: (text: string) => void = (t) => void process.stdout.write(t)): Promise<number> {
  return (await playDemo(argv, write)).summary.ok ? 0 : 1;
}

/** Runs the demo and returns what its summary was made of, for tests. */
export async function playDemo(argv: string[], write: (text: string) => void): Promise<{ outcome: DemoOutcome; summary: DemoSummary }> {
  const opts = parseDemoOptions(argv, process.env);
  if (opts.maxRebooting > opts.nodes) throw new ConfigError(`invalid --max-rebooting ${opts.maxRebooting}: the demo has only ${opts.nodes} nodes`);
  const story = new StoryWriter(write);
  story.line('demo', `starting a simulated cluster of ${opts.nodes} nodes and the reboot-manager server (at most ${opts.maxRebooting} rebooting at once)`);

  // Grace periods, pod start-up and the server's drain retries run in the demo's scaled time.
  const scaled = (ms: number) => `${Math.max(1, Math.ceil(ms / opts.timeScale))}ms`;
  const cluster = await startSimCluster({
    nodes: opts.nodes,
    maxRebooting: opts.maxRebooting,
    timeScale: opts.timeScale,
    // The story tells what the server's warnings would (a budget holding a drain); errors still show.
    logger: pino({ level: 'error' }, pino.destination(2)),
    sim: { graceMsPerSecond: 1000 / opts.timeScale, controllers: { replaceEvicted: true, readyDelayMs: POD_READY_MS / opts.timeScale, spread: true } },
    flags: ['--eviction-retry-min', scaled(1000), '--eviction-retry-max', scaled(10_000), '--drain-progress-interval', scaled(5000)],
  });
  const { sim, server, members } = cluster;
  const apps = demoApps(members.map((m) => m.name));
  seedApps(sim.store, apps);
  const workloads = new WorkloadWatch(sim.store, apps, story);
  story.line('demo', apps.length > 0 ? `apps in namespace shop: ${apps.map((a) => `${a.name} (${a.kind}, ${a.nodes.length} replicas, at least ${a.minAvailable} available)`).join(', ')}` : 'no apps: a cluster under 3 nodes has nowhere to move their pods');
  const holders = new HolderWatch(sim.store, { urgentGroups: URGENT_GROUPS });
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
  // The Azure VM is a node in the middle: it runs Zincati too; both ask with the node's id, each in its own group.
  const azureMember = members[Math.floor(members.length / 2)];
  const azure = azureMember ? await startAzureDemo({ serverUrl: server.url, store: sim.store, story, timeScale: opts.timeScale, member: azureMember, bootMs: BOOT_MS }) : undefined;

  try {
    const first = fleet.agents[0];
    write(
      [
        '',
        `  Kubernetes API simulator: ${sim.url}`,
        `  reboot-manager (FleetLock): ${server.url}`,
        `  status page and metrics: ${server.internalUrl}`,
        `  ask for ${first?.node}'s slot yourself, from its address (a request for a node is honoured only from that node):`,
        `  curl --interface ${members[0]?.address ?? '127.0.0.1'} -X POST -H 'fleet-lock-protocol: true' -d '{"client_params":{"id":"${first?.id}","group":"default"}}' ${server.url}v1/pre-reboot`,
        '',
        '',
      ].join('\n'),
    );
    fleet.start();
    fleet.stageUpdates();
    story.line('demo', `update staged on all ${opts.nodes} nodes: each Zincati asks for a slot every ${ZINCATI_TICK_MS / 1000} s (simulated: ${(ZINCATI_TICK_MS / opts.timeScale / 1000).toFixed(2)} s here)`);

    // The event comes while another node holds the slot, so the story shows the Azure node waiting its turn.
    const someoneElseHolds = () => holders.current.some((name) => name !== azureMember?.name);
    const azureRun: Promise<PlatformEventResult | undefined> = azure
      ? sleep(AZURE_AFTER_MS / opts.timeScale)
          .then(() => sim.store.waitFor(someoneElseHolds, { timeoutMs: ZINCATI_TICK_MS / opts.timeScale + 5000 }).catch(() => undefined))
          .then(() => azure.run({ type: 'Reboot', noticeMs: AZURE_NOTICE_MS }))
      : Promise.resolve(undefined);
    const timeoutMs = 10_000 + (3 * (opts.nodes + 1) * (ZINCATI_TICK_MS * 1.1 + BOOT_MS * 1.5)) / opts.timeScale / opts.maxRebooting;
    // Zincati reported steady-state on every new boot, the Azure event left the document, and every slot is free.
    const everythingDone = Promise.all([fleet.whenUpdated(), azureRun]).then(() =>
      sim.store.waitFor(() => members.every((m) => backAfterUpdate(m.name)), { timeoutMs, description: 'every node back and released' }),
    );
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      everythingDone.then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!finished) story.line('demo', `gave up waiting after ${(timeoutMs / 1000).toFixed(0)} s`);
    const azureResult = finished ? await azureRun : undefined;

    const report = fleet.report();
    const nodes: NodeOutcome[] = members.map((m) => {
      const node = sim.store.getNode(m.name);
      const zincatiRebooted = report.nodes.some((r) => r.node === m.name && r.rebootedAt !== undefined);
      const reboots: RebootTime[] = historyOf({ annotations: node?.metadata.annotations ?? {} })
        .reverse()
        .map((r) => ({ group: r.group, claimToReleaseMs: Date.parse(r.released) - Date.parse(r.claimed) }));
      return { name: m.name, bootIdBefore: bootIdsBefore.get(m.name) ?? '', bootIdAfter: bootIdOf(node), ready: isReady(node), holdsSlot: holdsSlot(node), zincatiRebooted, reboots };
    });
    const azureOutcomes: AzureEventOutcome[] = azureMember
      ? [{ node: azureMember.name, eventType: 'Reboot', completed: azureResult?.outcome === 'completed', how: describeAzure(azureResult) }]
      : [];
    const outcome: DemoOutcome = {
      nodes,
      maxHolders: holders.max,
      maxNonUrgent: holders.maxNonUrgent,
      maxWithoutUrgent: holders.maxWithoutUrgent,
      azure: azureOutcomes,
      allowed: opts.maxRebooting,
      elapsedMs: story.elapsedMs,
      errors: report.nodes.flatMap((n) => n.errors.map((e) => `${n.node}: ${e}`)),
      ...(apps.length > 0 ? { workloads: { evicted: workloads.evicted, evictionsGranted: sim.requests.count({ resource: 'pods', subresource: 'eviction', status: 201 }), apps: workloads.outcomes() } } : {}),
      timeScale: opts.timeScale,
    };
    const summary = summarize(outcome);
    write(`\n${summary.text}`);

    if (opts.keepRunning) {
      write(`\nStill running: FleetLock at ${server.url}, status page at ${server.internalUrl} (Recent reboots: each node's timeline), Kubernetes API simulator at ${sim.url}.\nPress Ctrl-C (or send SIGTERM to pid ${process.pid}) to stop.\n`);
      await untilSignal();
      write('stopping the agents, the server and the simulator...\n');
    }
    return { outcome, summary };
  } finally {
    workloads.close();
    await fleet.stop();
    await azure?.close();
    stopNarrating();
    holders.stop();
    await cluster.close();
  }

  function backAfterUpdate(name: string): boolean {
    const node = sim.store.getNode(name);
    return bootIdOf(node) !== bootIdsBefore.get(name) && isReady(node) && !holdsSlot(node);
  }
}

function describeAzure(result: PlatformEventResult | undefined): string {
  if (!result) return 'did not finish';
  if (result.outcome === 'cancelled') return 'cancelled by the platform';
  return result.approved ? 'drained, granted, approved early by the agent, rebooted, slot released' : 'started at NotBefore (not approved early), rebooted, slot released';
}

