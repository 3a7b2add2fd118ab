// One simulated day on a 10-node cluster: two Zincati rollouts and a dozen Azure scheduled events share one reboot slot.
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import t from 'tap';
import { SimAgents } from '../../src/sim/azure/agents.js';
import { SimulatedAzurePlatform, type PlatformEventResult } from '../../src/sim/azure/platform.js';
import { scaledClock } from '../../src/sim/azure/scaled-clock.js';
import { Fleet } from '../../src/sim/fleet/fleet.js';
import { HolderWatch } from '../../src/sim/fleet/holder-watch.js';
import { startAzureCluster } from '../support/azure-cluster.js';
import { assertNoOrphanCordon } from '../support/cordon.js';
import { planDay, type PlannedEvent } from '../support/day-plan.js';
import { addPdb, addReplicaSet } from '../support/drain-cluster.js';

/** 24 simulated hours in 12 real seconds: Zincati's 300 s tick is 42 ms, a 15 min notice 125 ms. */
const TIME_SCALE = 7200;
const BOOT_MS = 60_000;
const SEED = 20_240_601;
const ORDINARY = ['node-01', 'node-02', 'node-03', 'node-04', 'node-05', 'node-06', 'node-07', 'node-08'];
const SPOT = ['node-09', 'node-10'];
const SLOW_DRAIN = 'node-05';

void t.test('a simulated day: the budget holds except through the urgent path, and everything completes', async (t) => {
  // A long lease: a loaded machine must not depose the only replica mid-day (failover has its own tests).
  const az = await startAzureCluster(t, { nodes: 10, flags: ['--max-rebooting', '1', '--lease-duration', '15s'] });
  const { c, imds } = az;
  const server = await c.leader();
  const clock = scaledClock(TIME_SCALE);
  const holders = new HolderWatch(c.sim.store, { urgentGroups: new Set(['azure-urgent']) });
  t.teardown(() => holders.stop());

  // Agents poll every 2 simulated minutes (17 ms here); half of them approve early once granted.
  const vmOf = (node: string): string => az.vmOf(node);
  const common = { serverUrl: server.url, imds, clock, logger: pino({ level: 'silent' }), vmOf, machineIdOf: (node: string) => c.machineIdOf(node), addressOf: (node: string) => c.addressOf(node) };
  const timing = ['--poll-interval', '120s', '--retry-interval', '120s'];
  const agents = new SimAgents({ ...common, args: timing });
  const approving = new SimAgents({ ...common, args: [...timing, '--approve'] });
  const agentsOf = (node: string): SimAgents => (Number(node.slice(-2)) % 2 === 0 ? approving : agents);
  t.teardown(() => Promise.all([agents.close(), approving.close()]));
  for (const node of c.nodeNames) await agentsOf(node).start(node);

  const platform = new SimulatedAzurePlatform({
    imds,
    host: c.sim.store,
    clock,
    vmOf,
    bootMs: BOOT_MS,
    // A 30 s Preempt notice is 4 ms here, shorter than one agent poll: give the agents a chance to see it.
    minRealNoticeMs: 150,
    vmDown: (node) => agentsOf(node).stop(node),
    vmUp: async (node) => void (await agentsOf(node).start(node)),
  });
  t.teardown(() => platform.close());

  const updates = new Map<string, number>();
  const progress = new Set<() => void>();
  const rolledOut = (k: number) => ORDINARY.every((n) => (updates.get(n) ?? 0) >= k);
  const untilRolledOut = (k: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!rolledOut(k)) return;
        progress.delete(check);
        resolve();
      };
      progress.add(check);
      check();
    });
  const fleet = new Fleet({
    baseUrl: server.url,
    host: c.sim.store,
    members: ORDINARY.map((name) => ({ name, machineId: c.machineIdOf(name), address: c.addressOf(name) })),
    timeScale: TIME_SCALE,
    seed: SEED,
    bootMs: BOOT_MS,
    onEvent: (e) => {
      if (e.type !== 'steady-state' || e.boot === 0 || !e.result.ok) return;
      updates.set(e.node, (updates.get(e.node) ?? 0) + 1);
      for (const check of [...progress]) check();
    },
  });
  t.teardown(() => fleet.stop());
  fleet.start();

  const plan = planDay(SEED, ORDINARY, SPOT);
  t.equal(plan.events.length, 11, 'the plan has every kind of event');
  const dayStart = performance.now();
  const atSimulated = (ms: number) => sleep(Math.max(0, dayStart + clock.real(ms) - performance.now()));
  // A rollout is staged at its planned time but not before the last one finished: on a slow machine the two would merge into one reboot.
  const rollouts = (async () => {
    for (const [k, at] of plan.rollouts.entries()) {
      await atSimulated(at);
      await untilRolledOut(k);
      fleet.stageUpdates();
    }
  })();
  // In the second rollout one node's drain is held by a PodDisruptionBudget: the Preempt comes while it holds the slot.
  void atSimulated(plan.rollouts[1] ?? 0).then(() => {
    addReplicaSet(c, 'shop', 'db', [SLOW_DRAIN]);
    addPdb(c, 'shop', 'db', 'db', 1);
  });
  // Removing the budget, not adding a pod elsewhere: a pod added on another node would block that node's own drain later.
  const unblock = () => c.sim.store.remove('poddisruptionbudgets', 'shop', 'db');
  const play = async (e: PlannedEvent): Promise<PlatformEventResult> => {
    await atSimulated(e.at);
    if (e.spec.type !== 'Preempt') return platform.run(e.spec);
    await c.sim.store.waitFor(() => az.holds(SLOW_DRAIN), { timeoutMs: 120_000, description: `${SLOW_DRAIN} holding the slot` });
    const result = await platform.run(e.spec);
    unblock();
    return result;
  };
  const results = await Promise.all(plan.events.map(play));
  await rollouts;

  const everyUpdateDone = () => rolledOut(plan.rollouts.length);
  await untilRolledOut(plan.rollouts.length);
  await c.sim.store.waitFor(() => holders.current.length === 0, { timeoutMs: 120_000, description: 'every slot free' });
  const running = [...agents.nodes().map((n) => agents.get(n)), ...approving.nodes().map((n) => approving.get(n))];
  await c.sim.store.waitFor(() => running.every((a) => a?.agent.status().phase === 'idle'), { timeoutMs: 120_000, description: 'every agent idle' });
  t.comment(`simulated day took ${((performance.now() - dayStart) / 1000).toFixed(1)} s; most holders at once ${holders.max}`);

  t.ok(holders.maxNonUrgent <= 1, `holders outside the urgent group never exceeded the budget of 1 (most: ${holders.maxNonUrgent})`);
  t.ok(holders.maxWithoutUrgent <= 1, `more holders than the budget only while an urgent holder existed (most without one: ${holders.maxWithoutUrgent})`);
  t.equal(holders.max, 2, 'the urgent path was taken: the Preempted node held a slot alongside the draining one');
  t.same(results.map((r) => r.spec), plan.events.map((e) => e.spec), 'every Azure event played out');
  for (const [i, r] of results.entries()) {
    const planned = plan.events[i];
    // A cancellation only comes before NotBefore; an agent that approved earlier started the event first.
    const expected = planned?.spec.cancelAfterMs !== undefined && !r.approved ? ['cancelled', 'completed'] : ['completed'];
    t.ok(expected.includes(r.outcome), `${planned?.label} on ${r.spec.node}: ${r.outcome}${r.approved ? ' (approved early)' : ''}`);
  }
  t.same(imds.document().Events, [], 'no event left in the document');
  t.same(c.sim.store.listNodes().map((n) => n.metadata.name).sort(), ORDINARY, 'the Spot VMs were taken; the rest stayed');
  t.ok(everyUpdateDone(), `every Zincati node rebooted for both rollouts: ${JSON.stringify(Object.fromEntries(updates))}`);
  t.equal(fleet.report().errors, 0, `Zincati saw only expected refusals: ${JSON.stringify(fleet.report().nodes.flatMap((n) => n.errors))}`);
  t.same(c.sim.store.listNodes().filter((n) => n.spec.unschedulable).map((n) => n.metadata.name), [], 'no node is left cordoned');
  assertNoOrphanCordon(t, c.sim);
});
