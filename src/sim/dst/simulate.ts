// One seeded history of the whole system on a virtual clock: replicas, drains, leader election and a fleet,
// with faults drawn from the seed, the invariants checked after every step.
import { VirtualClock } from '../../clock/virtual-clock.js';
import { budgetOf } from '../../server.js';
import { parseServeConfig } from '../../config/serve.js';
import { seededRandom, type Random } from '../fleet/random.js';
import { runUntil } from './drive.js';
import { Fleet } from './fleet.js';
import { Invariants, type Violation } from './invariants.js';
import { Replicas } from './replicas.js';
import type { ApiFaults } from '../kube/memory-api.js';
import { CALM, seededFaults, type FaultLevels } from './seeded-faults.js';
import { createWorld } from './world.js';
import { applyDstPolicy, drawPolicy } from './policy.js';
import { Requester } from './requester.js';
import { resolveAmount } from '../../slot/pools.js';

export interface SimulationOptions {
  readonly nodes?: number;
  readonly replicas?: number;
  readonly maxRebooting?: number;
  /** Faults (API and process) happen only in this first stretch of virtual time. */
  readonly faultWindowMs?: number;
  /** After the fault window, how long every node has to be served. */
  readonly settleWindowMs?: number;
  /** Stop at the first violation (a replay keeps going to show everything). */
  readonly stopAtFirst?: boolean;
  /** Put the replicas' log lines in the report's log (a replay does). */
  readonly verbose?: boolean;
}

export interface SimulationReport {
  readonly seed: number;
  readonly violations: readonly Violation[];
  readonly steps: number;
  readonly virtualMs: number;
  readonly faults: Readonly<Record<string, number>>;
  readonly log: readonly string[];
}

/** Chance that a replica stalls (a long GC pause, a frozen VM) right as one of its API calls leaves. */
const STALL_AT_CALL = 0.002;

/** `faults`, plus a stall of the calling process when `when()` says so. */
function pausingAtCalls(faults: ApiFaults, when: () => boolean, stall: () => void): ApiFaults {
  return {
    onCall(call) {
      if (call.resource !== 'leases' && when()) stall();
      return faults.onCall(call);
    },
    onWatchEvent: (resource) => faults.onWatchEvent(resource),
  };
}

const STORMY: FaultLevels = { fail: 0.04, lostAnswer: 0.04, maxLatencyMs: 1_500, lag: 0.15, maxLagMs: 8_000, drop: 0.01 };

/** Runs the history of `seed` to its end and reports what broke, if anything. */
export async function simulate(seed: number, o: SimulationOptions = {}): Promise<SimulationReport> {
  const random = seededRandom(seed);
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const start = clock.now();
  const nodeCount = o.nodes ?? 2 + Math.floor(random() * 4);
  const replicaCount = o.replicas ?? 3;
  const maxRebooting = o.maxRebooting ?? 1 + Math.floor(random() * 2);
  const faultWindowMs = o.faultWindowMs ?? 10 * 60_000;
  const settleWindowMs = o.settleWindowMs ?? 40 * 60_000;
  const flags = ['--max-rebooting', String(maxRebooting), '--slots-per-group', String(maxRebooting), '--drain-progress-interval', '5s', '--eviction-retry-min', '1s', '--eviction-retry-max', '10s', '--eviction-blocked-retry', '20s'];
  const policy = drawPolicy(seed, maxRebooting);
  const flagBudget = budgetOf(parseServeConfig(flags, {}));
  // A policy's budgets replace the flags' (--slots-per-group included): its cluster cap is the cap.
  const budget = policy ? { ...flagBudget, maxTotal: resolveAmount(policy.scopes.maxUnavailable, nodeCount), defaultPerGroup: Number.POSITIVE_INFINITY } : flagBudget;
  const log: string[] = [];
  const note = (line: string): void => void log.push(`${((clock.now() - start) / 1000).toFixed(1).padStart(7)}s ${line}`);
  const faults: Record<string, number> = {};
  const count = (what: string): void => void (faults[what] = (faults[what] ?? 0) + 1);

  let stormy = true;
  const world = createWorld(clock, random, nodeCount);
  if (policy) {
    applyDstPolicy(world.cluster.store, policy, nodeCount);
    note(`RebootPolicy default: ${JSON.stringify(policy.spec)}`);
  }
  const invariants = new Invariants(world, budget, () => clock.now(), policy?.scopes);
  const levels = (): FaultLevels => (stormy ? STORMY : CALM);
  const replicas = new Replicas({
    clock,
    random,
    cluster: world.cluster,
    flags,
    faults: (id) => pausingAtCalls(seededFaults(random, levels), () => stormy && random() < STALL_AT_CALL, () => stall(id)),
    ...(o.verbose ? { logLine: (id: string, line: Record<string, unknown>) => note(`${id}: ${String(line.msg)} ${JSON.stringify({ ...line, msg: undefined, level: undefined })}`) } : {}),
  });
  // A stop-the-world pause right as a request leaves: the moment a deposed leader could still act on an old decision.
  const stall = (id: string): void => {
    count('stall');
    note(`${id}: stalled mid-request`);
    replicas.pause(id);
    clock.setTimer(5_000 + random() * 40_000, () => {
      note(`${id}: resume`);
      replicas.resume(id);
    });
  };
  const identities = Array.from({ length: replicaCount }, (_, i) => `replica-${i}`);
  for (const id of identities) replicas.start(id);
  const fleet = new Fleet(clock, random, world, replicas, (event) => {
    note(`${event.node}: ${event.type}`);
    if (event.type === 'granted') invariants.granted(event.node);
  });

  // Who asks: most nodes want one update (some call it off after the grant); one may get an urgent platform event.
  const urgentNode = nodeCount >= 3 && random() < 0.5 ? `node-${nodeCount}` : undefined;
  for (const m of world.machines) {
    if (m.name === urgentNode) fleet.want(m.name, 'azure-urgent', random() * faultWindowMs);
    else if (random() < 0.85) fleet.want(m.name, 'default', random() * faultWindowMs, random() < 0.1);
  }
  const requester = Requester.draw(seed, clock, world, faultWindowMs, (node) => {
    note(`${node}: MaintenanceRequest approved`);
    invariants.granted(node);
  });
  scheduleProcessFaults(clock, random, replicas, identities, faultWindowMs, (what, id) => {
    count(what);
    note(`${id}: ${what}`);
  });
  clock.setTimer(faultWindowMs, () => {
    stormy = false;
    note('faults stop');
  });

  const end = start + faultWindowMs + settleWindowMs;
  let steps = 0;
  let dirty = true;
  const watched = new Set(['nodes', 'pods', 'poddisruptionbudgets']);
  const offChanges = world.cluster.store.onChange((change) => void (watched.has(change.resource) && (dirty = true)));
  // Every promise chain a step starts settles before the next: nothing here uses real timers or I/O.
  const served = await runUntil(
    clock,
    () => (o.stopAtFirst !== false && invariants.violations.length > 0) || (!stormy && (requester?.done ?? true) && invariants.finished(fleet.askers)),
    end - clock.now(),
    () => {
      steps += 1;
      // Only a change to nodes, pods or budgets can break an invariant: most steps are Lease renewals.
      if (!dirty) return;
      dirty = false;
      invariants.check();
    },
  );
  if (!served && invariants.violations.length === 0) invariants.stuck(fleet.askers, `${requester && !requester.done ? `${requester.describe()}; ` : ''}leaders: ${replicas.serving().filter((p) => p.replica.isLeader()).map((p) => p.identity).join(', ') || 'none'}; pods: ${world.cluster.store.listPods({ namespace: 'shop' }).map((p) => `${p.metadata.name ?? ''}@${p.spec.nodeName ?? ''}${p.metadata.deletionTimestamp ? '(terminating)' : ''}${p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? '' : '(unready)'}`).join(' ')}`);
  offChanges();
  replicas.stopAll();
  world.close();
  return { seed, violations: invariants.violations, steps, virtualMs: clock.now() - start, faults, log };
}

/** Crashes, pauses past the lease and graceful shutdowns of replicas, at times drawn from the seed. */
function scheduleProcessFaults(clock: VirtualClock, random: Random, replicas: Replicas, ids: readonly string[], windowMs: number, noted: (what: string, id: string) => void): void {
  const events = 2 + Math.floor(random() * 5);
  for (let i = 0; i < events; i++) {
    const at = random() * windowMs;
    const id = ids[Math.floor(random() * ids.length)] ?? 'replica-0';
    const kind = random();
    clock.setTimer(at, () => {
      const proc = replicas.all().find((p) => p.identity === id);
      if (!proc || proc.gate.state !== 'running' || proc.stopping) return;
      if (kind < 0.4) {
        noted('crash', id);
        replicas.crash(id);
        clock.setTimer(2_000 + random() * 30_000, () => {
          noted('restart', id);
          replicas.start(id);
        });
      } else if (kind < 0.75) {
        noted('pause', id);
        replicas.pause(id);
        clock.setTimer(5_000 + random() * 40_000, () => {
          noted('resume', id);
          replicas.resume(id);
        });
      } else {
        noted('shutdown', id);
        replicas.shutDown(id);
        clock.setTimer(5_000 + random() * 20_000, () => {
          noted('restart', id);
          replicas.start(id);
        });
      }
    });
  }
}
