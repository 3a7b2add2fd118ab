// The three ways the promise broke before the slot got one home, each staged on the virtual clock.
import t, { type Test } from 'tap';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { OK, type Answer } from '../../src/fleetlock/refusal.js';
import { KubeError } from '../../src/kube/errors.js';
import { zincatiId } from '../../src/identity/app-specific-id.js';
import { slotOf } from '../../src/slot/encoding.js';
import { toNodeView } from '../../src/kube/node-view.js';
import { seededRandom } from '../../src/sim/fleet/random.js';
import { runUntil } from '../../src/sim/dst/drive.js';
import { Replicas, type ReplicaProcess } from '../../src/sim/dst/replicas.js';
import { createWorld, type World } from '../../src/sim/dst/world.js';
import { type ApiCall, type ApiFaults, type CallFault } from '../../src/sim/kube/memory-api.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/** Faults a test switches on and off: watch lag, and a lost answer for chosen calls; every call is recorded. */
class ScriptedFaults implements ApiFaults {
  lagMs = 0;
  loseAnswer: ((call: ApiCall) => boolean) | undefined;
  /** Told of every call as it leaves (a test pauses the process there). */
  onSend: ((call: ApiCall) => void) | undefined;
  /** Calls answered 503, nothing applied. */
  fail: ((call: ApiCall) => boolean) | undefined;
  readonly calls: ApiCall[] = [];
  onCall(call: ApiCall): CallFault {
    this.calls.push(call);
    this.onSend?.(call);
    if (this.fail?.(call)) return { kind: 'fail', error: new KubeError('unavailable', 'injected: the API server is unavailable', { status: 503 }), latencyMs: 10 };
    if (this.loseAnswer?.(call)) {
      this.loseAnswer = undefined;
      return { kind: 'lost-answer', latencyMs: 10 };
    }
    return { kind: 'none', latencyMs: 10 };
  }
  onWatchEvent(): { delayMs: number } {
    return { delayMs: this.lagMs };
  }
}

interface Stage {
  readonly clock: VirtualClock;
  readonly world: World;
  readonly replicas: Replicas;
  readonly faults: Map<string, ScriptedFaults>;
  /** Sends a request and runs the clock until it is answered. */
  ask(proc: ReplicaProcess, kind: 'pre' | 'steady', node: string): Promise<Answer>;
  /** Runs the clock until `answer` settles. */
  settle<T>(answer: Promise<T>): Promise<T>;
  send(proc: ReplicaProcess, kind: 'pre' | 'steady', node: string): Promise<Answer>;
  until(done: () => boolean, withinMs?: number): Promise<boolean>;
  holders(): string[];
  leader(): ReplicaProcess;
}

async function stage(t: Test, replicaCount: number): Promise<Stage> {
  const clock = new VirtualClock();
  const random = seededRandom(7);
  const world = createWorld(clock, random, 3);
  const faults = new Map<string, ScriptedFaults>();
  const replicas = new Replicas({
    clock,
    random,
    cluster: world.cluster,
    flags: ['--max-rebooting', '1'],
    faults: (id) => {
      const f = new ScriptedFaults();
      faults.set(id, f);
      return f;
    },
  });
  for (let i = 0; i < replicaCount; i++) replicas.start(`replica-${i}`);
  t.teardown(() => {
    replicas.stopAll();
    world.close();
  });
  const s: Stage = {
    clock,
    world,
    replicas,
    faults,
    send(proc, kind, node) {
      const params = { id: zincatiId(world.machine(node).machineId), group: 'default' };
      return kind === 'pre' ? proc.replica.coordinator.preReboot(params, { log: quiet }) : proc.replica.coordinator.steadyState(params, { log: quiet });
    },
    async settle(answer) {
      let settled = false;
      void answer.finally(() => (settled = true));
      await s.until(() => settled);
      return answer;
    },
    ask: (proc, kind, node) => s.settle(s.send(proc, kind, node)),
    until: (done, withinMs = 10 * 60_000) => runUntil(clock, done, withinMs),
    holders: () => world.cluster.store.listNodes().filter((n) => slotOf(toNodeView(n))).map((n) => n.metadata.name ?? ''),
    leader() {
      const lead = replicas.all().find((p) => p.gate.state === 'running' && p.replica.isLeader());
      if (!lead) throw new Error('no leader');
      return lead;
    },
  };
  t.ok(await s.until(() => replicas.all().some((p) => p.replica.isLeader() && p.replica.coordinator.readiness().ready)), 'a replica leads');
  return s;
}

/** Asks until granted (drains take a few retries). */
async function granted(s: Stage, node: string, proc?: ReplicaProcess): Promise<boolean> {
  for (let tries = 0; tries < 100; tries++) {
    if ((await s.ask(proc ?? s.leader(), 'pre', node)) === OK) return true;
    await s.until(() => false, 5_000);
  }
  return false;
}

void t.test('a steady-state judged on a lagging cache does not release a node that is still down', async (t) => {
  const s = await stage(t, 1);
  await granted(s, 'node-1');
  const lead = s.leader();
  s.world.shutDown('node-1');
  t.ok(await s.until(() => s.world.cluster.store.getNode('node-1')?.status.conditions?.some((c) => c.type === 'Ready' && c.status !== 'True') === true), 'the node controller marks it NotReady');
  // The watch falls behind: the cache still shows the node Ready. The machine boots; its kubelet has not reported yet.
  (s.faults.get(lead.identity) as ScriptedFaults).lagMs = 120_000;
  s.world.bootUp('node-1', 60_000);
  t.equal(await s.ask(lead, 'steady', 'node-1'), OK, 'steady-state is always 200');
  t.same(s.holders(), ['node-1'], 'not released: the API server says NotReady, whatever the cache remembers');
  (s.faults.get(lead.identity) as ScriptedFaults).lagMs = 0;
  t.ok(await s.until(() => s.holders().length === 0), 'released once the kubelet reports the new boot');
  t.equal(s.world.cluster.store.getNode('node-1')?.status.nodeInfo?.bootID, s.world.machine('node-1').bootId, 'on the new boot');
});

void t.test('a node that reboots faster than the node controller notices is released only on its kubelet\'s word', async (t) => {
  const s = await stage(t, 1);
  await granted(s, 'node-1');
  const lead = s.leader();
  s.world.shutDown('node-1');
  await s.until(() => false, 15_000); // a quick reboot, shorter than the node controller's 40 s grace
  s.world.bootUp('node-1', 30_000); // back: the Node still says Ready, with the old bootID
  t.equal(await s.ask(lead, 'steady', 'node-1'), OK);
  t.same(s.holders(), ['node-1'], 'a remembered Ready with the old bootID is no evidence');
  t.ok(await s.until(() => s.holders().length === 0), 'released once the kubelet reports');
  t.equal(s.world.cluster.store.getNode('node-1')?.status.nodeInfo?.bootID, s.world.machine('node-1').bootId);
});

void t.test('a claim whose answer was lost is accounted for before the next decision', async (t) => {
  const s = await stage(t, 1);
  const lead = s.leader();
  await s.settle(lead.replica.coordinator.enforceBudget()); // its takeover relist is done
  const faults = s.faults.get(lead.identity) as ScriptedFaults;
  faults.lagMs = 5_000;
  // node-1's claim commits but its answer is lost, and every read of node-1 fails until the claim gives up.
  faults.loseAnswer = (call) => call.verb === 'patch' && call.resource === 'nodes' && call.name === 'node-1';
  faults.fail = (call) => call.verb === 'get' && call.name === 'node-1';
  let most = 0;
  const off = s.world.cluster.store.onChange(() => (most = Math.max(most, s.holders().length)));
  t.teardown(off);
  const a = await s.ask(lead, 'pre', 'node-1');
  t.match(a, { kind: 'unavailable' }, 'node-1 is told to retry: whether its claim committed is unknown');
  t.same(s.holders(), ['node-1'], 'it did commit');
  faults.fail = undefined;
  const b = await s.ask(lead, 'pre', 'node-2');
  t.match(b, { kind: 'slots_full' }, `node-2 waits: node-1's claim counts though its answer was lost and the cache lags (${JSON.stringify(b)})`);
  t.same(s.holders(), ['node-1']);
  t.equal(most, 1, 'never more than one holder');
});

void t.test('a leader paused mid-decision sends no write once it resumes', async (t) => {
  const s = await stage(t, 2);
  const old = s.leader();
  const other = s.replicas.all().find((p) => p !== old);
  if (!other) throw new Error('two replicas');
  await s.settle(old.replica.coordinator.enforceBudget()); // its takeover relist is done
  const faults = s.faults.get(old.identity) as ScriptedFaults;
  // Its cache falls behind a change to node-1, so its claim's compare-and-swap conflicts and reads node-1 again:
  // the process stalls right there, after the decision began and before its write.
  faults.lagMs = 600_000;
  s.world.cluster.store.updateNode('node-1', (n) => void (n.metadata.labels = { ...n.metadata.labels, touched: 'yes' }));
  let stalledAt: number | undefined;
  faults.onSend = (call) => {
    if (stalledAt !== undefined || call.verb !== 'get' || call.resource !== 'nodes') return;
    stalledAt = faults.calls.length;
    s.replicas.pause(old.identity);
  };
  const asked = s.send(old, 'pre', 'node-1');
  t.ok(await s.until(() => stalledAt !== undefined), 'the leader stalls reading node-1 mid-claim');
  t.ok(await s.until(() => other.replica.isLeader()), 'another replica takes the Lease meanwhile');
  t.ok(await granted(s, 'node-2', other), 'and grants node-2 the only slot');
  s.replicas.resume(old.identity);
  const answer = await s.settle(asked);
  const after = faults.calls.slice(stalledAt);
  t.same(after.filter((c) => c.resource !== 'leases' && ['patch', 'evict', 'delete'].includes(c.verb)), [], 'no node write and no eviction left the deposed leader');
  t.match(answer, { kind: 'not_leader' }, 'its answer says so');
  t.same(s.holders(), ['node-2'], 'one holder: the deposed decision came to nothing');
});
