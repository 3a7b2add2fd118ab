// Whole replicas (startReplica) on an in-process cluster and a virtual clock, for maintenance windows closing on drains.
import type { Test } from 'tap';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { type Answer } from '../../src/fleetlock/refusal.js';
import { zincatiId } from '../../src/identity/app-specific-id.js';
import { runUntil } from '../../src/sim/dst/drive.js';
import { Replicas, type ReplicaProcess } from '../../src/sim/dst/replicas.js';
import { seededRandom } from '../../src/sim/fleet/random.js';
import { machineIdFor, makeNode, makePdb, makePod } from '../../src/sim/kube/fixtures.js';
import { createMemoryCluster, type ApiCall, type MemoryCluster } from '../../src/sim/kube/memory-api.js';
import { parseMetrics } from './metrics.js';
import { verdictOf, writePolicy, type PolicyVerdict } from './policy.js';
import { runFor } from './virtual-time.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

export interface NodeEventView {
  readonly reason: string;
  readonly message: string;
  readonly type: string;
  /** The replica that recorded it. */
  readonly instance: string;
}

export interface WindowRig {
  readonly clock: VirtualClock;
  readonly cluster: MemoryCluster;
  readonly replicas: Replicas;
  /** Every API call each replica made, in order. */
  readonly calls: ApiCall[];
  /** Every log line of every replica, with its identity. */
  readonly logs: (Record<string, unknown> & { replica: string })[];
  /** The running replica that leads now. */
  leader(): ReplicaProcess;
  /** Writes the RebootPolicy and runs the clock until the leader has judged it. */
  applyPolicy(spec: Record<string, unknown>): Promise<PolicyVerdict>;
  /** A pre-reboot from `node`'s Zincati to the leader, the clock running until it is answered. */
  preReboot(node: string, group?: string): Promise<Answer>;
  /** The same, sent now without running the clock (from inside a timer). */
  send(node: string, group?: string): Promise<Answer>;
  /** Fires timers until `done` holds; false after `withinMs` of virtual time. */
  until(done: () => boolean, withinMs?: number): Promise<boolean>;
  /** Runs the clock to the instant `at` (ms), firing every timer on the way. */
  runTo(at: number): Promise<void>;
  /** Nodes holding a slot, straight from the cluster. */
  holders(): string[];
  unschedulable(node: string): boolean;
  events(node: string): NodeEventView[];
  /** A ReplicaSet's pod on `node` under a budget that never allows its eviction. */
  stuckPod(node: string, app: string): void;
  /** A ReplicaSet's pod on `node` that takes `graceSeconds` to stop once evicted. */
  slowPod(node: string, app: string, graceSeconds: number): void;
  /** The leader's `reboot_manager_releases_total` for `reason`. */
  releases(reason: string): Promise<number | undefined>;
}

export interface WindowRigOptions {
  /** Virtual time at the start (ms since the epoch). */
  readonly start: number;
  readonly nodes?: number;
  readonly replicas?: number;
  /** Extra `serve` flags (later ones win over the simulation's own). */
  readonly flags?: string[];
}

export async function startWindowRig(t: Test, o: WindowRigOptions): Promise<WindowRig> {
  const clock = new VirtualClock(o.start);
  const cluster = createMemoryCluster({ clock, controllers: { replaceEvicted: true, readyDelayMs: 5_000 }, graceMsPerSecond: 1000 });
  for (let i = 1; i <= (o.nodes ?? 3); i++) cluster.store.createNode(makeNode({ name: `node-${i}`, machineID: machineIdFor(i), bootID: `node-${i}-boot-0`, clock }));
  const calls: ApiCall[] = [];
  const logs: WindowRig['logs'] = [];
  const replicas = new Replicas({
    clock,
    random: seededRandom(11),
    cluster,
    flags: o.flags ?? [],
    faults: () => ({ onCall: (call) => (calls.push(call), { kind: 'none', latencyMs: 5 }), onWatchEvent: () => ({ delayMs: 0 }) }),
    logLine: (replica, line) => logs.push({ ...line, replica }),
  });
  t.teardown(() => {
    replicas.stopAll();
    cluster.close();
  });
  for (let i = 0; i < (o.replicas ?? 1); i++) replicas.start(`replica-${i}`);
  const until = (done: () => boolean, withinMs = 10 * 60_000): Promise<boolean> => runUntil(clock, done, withinMs);
  const settle = async <T>(p: Promise<T>): Promise<T> => {
    let done = false;
    const watched = p.finally(() => (done = true));
    await until(() => done);
    return watched;
  };
  const rig: WindowRig = {
    clock,
    cluster,
    replicas,
    calls,
    logs,
    leader() {
      const lead = replicas.all().find((p) => p.gate.state === 'running' && p.replica.isLeader());
      if (!lead) throw new Error('no leader');
      return lead;
    },
    async applyPolicy(spec) {
      const generation = writePolicy(cluster, spec);
      let verdict: PolicyVerdict | undefined;
      if (!(await until(() => (verdict = verdictOf(cluster, generation)) !== undefined))) throw new Error('the leader never judged the policy');
      return verdict as PolicyVerdict;
    },
    send: (node, group = 'default') => {
      const id = zincatiId(machineIdFor(Number(node.replace('node-', ''))));
      return rig.leader().replica.coordinator.preReboot({ id, group }, { log: quiet });
    },
    preReboot: (node, group) => settle(rig.send(node, group)),
    until,
    runTo: (at) => runFor(clock, at - clock.now()),
    holders: () =>
      cluster.store
        .listNodes()
        .filter((n) => n.metadata.annotations?.['rebootmanager/status'] === 'Rebooting')
        .map((n) => n.metadata.name ?? '')
        .sort(),
    unschedulable: (node) => cluster.store.getNode(node)?.spec?.unschedulable === true,
    events: (node) =>
      cluster.store
        .list('events', 'default')
        .filter((e) => (e.involvedObject as { name?: string } | undefined)?.name === node)
        .map((e) => ({ reason: String(e.reason), message: String(e.message), type: String(e.type), instance: String(e.reportingInstance) })),
    stuckPod(node, app) {
      rig.slowPod(node, app, 30);
      cluster.store.createPdb(makePdb({ namespace: 'shop', name: app, selector: { app }, minAvailable: 1 }));
    },
    slowPod(node, app, graceSeconds) {
      const uid = `rs-${app}`;
      cluster.store.create('replicasets', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: app, namespace: 'shop', uid }, spec: { replicas: 1, selector: { matchLabels: { app } } } });
      const owner = { kind: 'ReplicaSet', name: app, uid };
      cluster.store.createPod(makePod({ namespace: 'shop', name: `${app}-1`, nodeName: node, owner, labels: { app }, terminationGracePeriodSeconds: graceSeconds, clock }));
    },
    async releases(reason) {
      return parseMetrics(await rig.leader().replica.metrics.registry.metrics()).value('reboot_manager_releases_total', { reason });
    },
  };
  if (!(await until(() => replicas.all().some((p) => p.replica.isLeader() && p.replica.coordinator.readiness().ready)))) throw new Error('no replica leads');
  return rig;
}
