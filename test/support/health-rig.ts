// The health gate on a simulated cluster and a virtual clock: real drains (the Drainer), real caches, the
// simulator's controllers replacing evicted pods slowly; a "replica" is the caches, drainer and gate of one leader.
import { FLEETLOCK } from '../../src/slot/slot.js';
import { pino, type Logger } from 'pino';
import type { Test } from 'tap';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { Drainer, type DrainOptions } from '../../src/drain/index.js';
import { HealthGate } from '../../src/health/health-gate.js';
import { cachedDisturbance } from '../../src/health/lookup.js';
import { EventRecorder } from '../../src/kube/events.js';
import { NodeCache } from '../../src/kube/nodes.js';
import { WorkloadCaches } from '../../src/kube/workloads.js';
import { DEFAULT_HEALTH_GATE, type HealthGateSettings } from '../../src/policy/health-gate.js';
import type { Asking } from '../../src/policy/reasons.js';
import { runUntil } from '../../src/sim/dst/drive.js';
import { machineIdFor, makeNode } from '../../src/sim/kube/fixtures.js';
import { createMemoryCluster, type ApiFaults, type MemoryCluster } from '../../src/sim/kube/memory-api.js';
import { slotOf } from '../../src/slot/encoding.js';
import { claim, releaseIfBack } from '../../src/slot/transitions.js';
import { runFor as runForClock } from './virtual-time.js';

const DRAIN: DrainOptions = {
  unmanagedPods: 'block',
  concurrency: 10,
  evictionRate: 100,
  timeoutMs: 0,
  timeoutPolicy: 'refuse',
  retryMinMs: 1000,
  retryMaxMs: 5000,
  blockedRetryMs: 60_000,
  progressIntervalMs: 1000,
  ownPod: undefined,
};

export interface GateReplica {
  readonly nodes: NodeCache;
  readonly workloads: WorkloadCaches;
  readonly drainer: Drainer;
  readonly gate: HealthGate;
  /** Every log line of this replica, parsed. */
  readonly logs: Record<string, unknown>[];
  stop(): void;
}

export interface HealthRig {
  readonly clock: VirtualClock;
  readonly cluster: MemoryCluster;
  readonly leader: GateReplica;
  /** Starts another replica's caches and gate on the same cluster (a new leader after a failover). */
  replica(identity: string, opts?: { settings?: HealthGateSettings; faults?: ApiFaults; isLeader?: () => boolean }): GateReplica;
  /** Fires timers until `done` holds (false after `withinMs` of virtual time). */
  until(done: () => boolean, withinMs?: number): Promise<boolean>;
  /** Moves virtual time on by `ms`. */
  runFor(ms: number): Promise<void>;
  /** Claims `name`'s slot and drains it with the leader's Drainer until done. */
  drain(name: string): Promise<void>;
  /** The machine reboots (down `downMs`), comes back Ready with a new boot, and the slot is released. */
  rebootAndRelease(name: string, downMs?: number): Promise<void>;
  /** A claim asked now by `name`, as the coordinator hands it to the rules. */
  asking(name: string, urgent?: boolean): Asking;
  /** HealthGateTimeout Events on the Node. */
  timeoutEvents(name: string): string[];
}

export interface HealthRigOptions {
  readonly nodes: readonly string[];
  /** Virtual ms before a controller's replacement pod turns Ready. */
  readonly readyDelayMs: number;
  readonly settings?: HealthGateSettings;
}

function startReplica(t: Test, cluster: MemoryCluster, clock: VirtualClock, identity: string, settings: HealthGateSettings, faults?: ApiFaults, isLeader = (): boolean => true): GateReplica {
  const api = cluster.api({ origin: `memory://${identity}`, ...(faults ? { faults } : {}) });
  const logs: Record<string, unknown>[] = [];
  const log: Logger = pino({ level: 'info', base: null, timestamp: false }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const nodes = new NodeCache({ api, clock });
  const workloads = new WorkloadCaches(api, clock);
  const events = new EventRecorder(api, clock, { instance: identity, onError: (err) => t.fail(`recording an event failed: ${err.message}`) });
  const drainer = new Drainer({ api, clock, nodes, events, log, options: DRAIN, isLeader: () => true, disturbance: cachedDisturbance(workloads) });
  const gate = new HealthGate({ nodes, workloads, clock, log, events, sameScope: () => true, isLeader, settings });
  nodes.start();
  const stop = (): void => {
    drainer.close();
    gate.close();
    nodes.stop();
  };
  t.teardown(stop);
  return { nodes, workloads, drainer, gate, logs, stop };
}

export async function startHealthRig(t: Test, o: HealthRigOptions): Promise<HealthRig> {
  const clock = new VirtualClock();
  const cluster = createMemoryCluster({ clock, graceMsPerSecond: 1000, controllers: { replaceEvicted: true, readyDelayMs: o.readyDelayMs } });
  t.teardown(() => cluster.close());
  o.nodes.forEach((name, i) => cluster.store.createNode(makeNode({ name, machineID: machineIdFor(i + 1), bootID: `${name}-boot-0`, clock })));
  const settings = o.settings ?? DEFAULT_HEALTH_GATE;
  const leader = startReplica(t, cluster, clock, 'replica-a', settings);
  const until = (done: () => boolean, withinMs = 3_600_000): Promise<boolean> => runUntil(clock, done, withinMs);
  const runFor = (ms: number): Promise<void> => runForClock(clock, ms);
  /** Awaits `p` while moving the clock: the in-memory API answers only on clock timers. */
  const settle = async <T>(p: Promise<T>): Promise<T> => {
    let done = false;
    const watched = p.finally(() => (done = true));
    await until(() => done, 60_000);
    return watched;
  };
  const rig: HealthRig = {
    clock,
    cluster,
    leader,
    replica: (identity, r = {}) => startReplica(t, cluster, clock, identity, r.settings ?? settings, r.faults, r.isLeader),
    until,
    runFor,
    async drain(name) {
      await until(() => leader.nodes.synced && leader.workloads.synced);
      const token = `claim-${name}-${clock.now()}`;
      const claimed = await settle(leader.nodes.cas(name, (n) => claim(n, { source: FLEETLOCK, group: 'default', id: name, claim: token, at: clock.now() })));
      if (claimed.fenced || claimed.outcome.kind !== 'claimed') throw new Error(`could not claim ${name}`);
      // As the coordinator does: the drain starts once the cache shows the claim.
      await until(() => slotOf(leader.nodes.get(name) ?? { annotations: {} })?.claim === token);
      leader.drainer.prepare(claimed.node, claimed.outcome.slot);
      if (!(await until(() => slotOf(leader.nodes.get(name) ?? { annotations: {} })?.drain?.done === 'drained'))) throw new Error(`${name} did not drain`);
    },
    async rebootAndRelease(name, downMs = 60_000) {
      cluster.store.rebootNode(name);
      await runFor(downMs);
      cluster.store.setNodeReady(name, true);
      await until(() => leader.nodes.get(name)?.ready === true);
      const released = await settle(leader.nodes.cas(name, (n) => releaseIfBack(n, clock.now())));
      if (released.fenced || released.outcome.kind !== 'released') throw new Error(`could not release ${name}`);
      await until(() => leader.nodes.get(name)?.annotations['rebootmanager/status'] === 'Ready');
    },
    asking: (name, urgent = false) => {
      const node = leader.nodes.get(name);
      if (!node) throw new Error(`no node ${name}`);
      return { node, group: urgent ? 'azure-urgent' : 'default', now: clock.now(), pools: [], urgent };
    },
    timeoutEvents: (name) =>
      cluster.store
        .list('events', 'default')
        .filter((e) => e.reason === 'HealthGateTimeout' && (e.involvedObject as { name?: string } | undefined)?.name === name)
        .map((e) => String(e.message)),
  };
  return rig;
}
