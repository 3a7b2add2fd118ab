import t from 'tap';
import { startSimCluster } from '../../src/sim/demo/cluster.js';
import { bootIdOf, isReady } from '../../src/sim/demo/story.js';
import { Fleet } from '../../src/sim/fleet/fleet.js';
import { HolderWatch, holdsSlot } from '../../src/sim/fleet/holder-watch.js';
import { seededRandom } from '../../src/sim/fleet/random.js';
import { ZincatiAgent, type AgentEvent } from '../../src/sim/fleet/zincati-agent.js';

// 300 s Zincati ticks become 100 ms; a 60 s boot becomes 20 ms.
const TIME_SCALE = 3000;
const WAIT = { timeoutMs: 60_000 };

/** Resolves with the first agent event matching `match` from now on. */
class EventLog {
  readonly events: AgentEvent[] = [];
  private readonly waiters: { match: (e: AgentEvent) => boolean; resolve: (e: AgentEvent) => void }[] = [];

  readonly push = (event: AgentEvent): void => {
    this.events.push(event);
    for (const w of [...this.waiters]) {
      if (!w.match(event)) continue;
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(event);
    }
  };

  next(match: (e: AgentEvent) => boolean): Promise<AgentEvent> {
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
}

void t.test('a fleet of simulated Zincati agents completes a rollout, never over the slot limit', async (t) => {
  const cluster = await startSimCluster({ nodes: 4, maxRebooting: 2, timeScale: TIME_SCALE });
  const { sim, server, members } = cluster;
  const holders = new HolderWatch(sim.store);
  const before = new Map(members.map((m) => [m.name, bootIdOf(sim.store.getNode(m.name))]));
  const fleet = new Fleet({ baseUrl: server.url, host: sim.store, members, timeScale: TIME_SCALE, seed: 7 });
  t.teardown(async () => {
    await fleet.stop();
    holders.stop();
    await cluster.close();
  });

  fleet.start();
  fleet.stageUpdates();
  await sim.store.waitFor(
    () => members.every((m) => {
      const node = sim.store.getNode(m.name);
      return bootIdOf(node) !== before.get(m.name) && isReady(node) && !holdsSlot(node);
    }),
    { ...WAIT, description: 'every node rebooted, Ready and released' },
  );
  const report = await fleet.whenUpdated();

  t.ok(holders.max <= 2, `at most 2 nodes held a slot at once (saw ${holders.max})`);
  t.ok(holders.max >= 1, 'the watch saw the holders');
  t.same(holders.current, [], 'no node holds a slot afterwards');
  t.equal(report.errors, 0, `no unexpected answers: ${JSON.stringify(report.nodes.flatMap((n) => n.errors))}`);
  for (const node of report.nodes) {
    t.ok(node.grantedAt !== undefined && node.rebootedAt !== undefined, `${node.node} was granted and rebooted`);
  }
});

void t.test('a node whose steady-state arrives before its kubelet is Ready is released once Ready', async (t) => {
  const cluster = await startSimCluster({ nodes: 2, maxRebooting: 1, timeScale: TIME_SCALE });
  const { sim, server, members } = cluster;
  const [first, second] = members;
  if (!first || !second) throw new Error('two nodes expected');
  const log = new EventLog();
  const agentFor = (m: { name: string; machineId: string; address?: string }, kubelet: 'manual' | number) =>
    new ZincatiAgent({ node: m.name, machineId: m.machineId, ...(m.address ? { sourceAddress: m.address } : {}), baseUrl: server.url, host: sim.store, timeScale: TIME_SCALE, random: seededRandom(3), kubeletReadyMs: kubelet, onEvent: log.push });
  const slow = agentFor(first, 'manual');
  const other = agentFor(second, 60_000);
  t.teardown(async () => {
    await Promise.all([slow.stop(), other.stop()]);
    await cluster.close();
  });

  const bootBefore = bootIdOf(sim.store.getNode(first.name));
  slow.start();
  other.start();
  slow.stageUpdate();
  const steady = await log.next((e) => e.type === 'steady-state' && e.node === first.name && e.boot === 1 && e.result.ok);
  t.ok(steady, 'Zincati reported steady-state on the new boot');

  const node = sim.store.getNode(first.name);
  t.not(bootIdOf(node), bootBefore, 'the node rebooted');
  t.notOk(isReady(node), 'its kubelet is not Ready yet');
  t.ok(holdsSlot(node), 'so it still holds its slot');

  other.stageUpdate();
  const refused = await log.next((e) => e.type === 'pre-reboot' && e.node === second.name);
  t.match(refused, { result: { ok: false, status: 423, kind: 'slots_full' } }, 'another node waits meanwhile');

  sim.store.setNodeReady(first.name, true);
  await sim.store.waitFor(() => !holdsSlot(sim.store.getNode(first.name)), { ...WAIT, description: 'slot released once Ready' });
  const steadyCalls = log.events.filter((e) => e.type === 'steady-state' && e.node === first.name && e.boot === 1);
  t.equal(steadyCalls.length, 1, 'Zincati sent steady-state only once on that boot');

  await log.next((e) => e.type === 'rebooting' && e.node === second.name);
  t.pass('the waiting node got the slot after the release');
});
