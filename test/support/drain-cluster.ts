// A simulated cluster tuned for drain tests: fast grace periods and retries, replacement controllers.
import type { Test } from 'tap';
import type { FleetLockResult } from '../../src/fleetlock/client.js';
import { makePdb, makePod, type PodObject } from '../../src/sim/kube/index.js';
import { assertNoOrphanCordon } from '../support/cordon.js';
import { startCluster, type ClusterOptions, type TestCluster } from '../support/cluster.js';

/** Flags that make a drain quick in tests; later flags in `extra` win. */
export const FAST_DRAIN = ['--eviction-retry-min', '50ms', '--eviction-retry-max', '200ms', '--drain-progress-interval', '20ms', '--eviction-rate', '100'];

export interface DrainClusterOptions extends Omit<ClusterOptions, 'sim'> {
  /** Real ms before a controller's replacement pod turns Ready (default: never, the test decides). */
  readonly readyDelayMs?: number;
}

/** A test cluster tuned for drains: fast retries and progress, scaled grace periods, replacement pods. */
export async function startDrainCluster(t: Test, opts: DrainClusterOptions = {}): Promise<TestCluster> {
  const c = await startCluster(t, {
    ...opts,
    flags: [...FAST_DRAIN, ...(opts.flags ?? [])],
    sim: { graceMsPerSecond: 5, controllers: { replaceEvicted: true, readyDelayMs: opts.readyDelayMs ?? 3_600_000 } },
  });
  return c;
}

export { assertNoOrphanCordon };

export const drainNote = (c: TestCluster, node: string): string => c.sim.store.getNode(node)?.metadata.annotations?.['rebootmanager/drain'] ?? '';

/** Waits until the node's drain annotation matches. */
export function drainNoteMatches(c: TestCluster, node: string, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  return c.sim.store.waitFor(() => {
    const note = drainNote(c, node);
    return pattern.test(note) ? note : undefined;
  }, { timeoutMs, description: `drain annotation of ${node} matching ${pattern}` });
}

export interface EventView {
  reason: string;
  message: string;
  type: string;
}

/** Events recorded on a Node, oldest first. */
export function nodeEvents(c: TestCluster, node: string): EventView[] {
  return c.sim.store
    .list('events', 'default')
    .filter((e) => (e.involvedObject as { name?: string } | undefined)?.name === node)
    .map((e) => ({ reason: String(e.reason), message: String(e.message), type: String(e.type) }));
}

export function eventRecorded(c: TestCluster, node: string, reason: string, timeoutMs = 10_000): Promise<EventView> {
  return c.sim.store.waitFor(() => nodeEvents(c, node).find((e) => e.reason === reason), { timeoutMs, description: `${reason} event on ${node}` });
}

/** Pods of one ReplicaSet (`app` label and owner), `perNode` of them on each listed node. */
export function addReplicaSet(c: TestCluster, ns: string, app: string, nodes: string[], opts: { grace?: number } = {}): PodObject[] {
  const uid = `rs-${ns}-${app}`;
  return nodes.map((node, i) =>
    c.sim.store.createPod(
      makePod({ namespace: ns, name: `${app}-${i + 1}`, nodeName: node, owner: { kind: 'ReplicaSet', name: app, uid }, labels: { app }, terminationGracePeriodSeconds: opts.grace ?? 30 }),
    ),
  );
}

export function addPdb(c: TestCluster, ns: string, name: string, app: string, minAvailable: number): void {
  c.sim.store.createPdb(makePdb({ namespace: ns, name, selector: { app }, minAvailable }));
}

/** Pods that must leave `node` (not DaemonSet, mirror or finished), straight from the simulator. */
export function evictablePods(c: TestCluster, node: string): string[] {
  return c.sim.store
    .listPods({ nodeName: node })
    .filter((p) => {
      const owner = p.metadata.ownerReferences?.find((o) => o.controller)?.kind;
      const finished = p.status.phase === 'Succeeded' || p.status.phase === 'Failed';
      return owner !== 'DaemonSet' && !p.metadata.annotations?.['kubernetes.io/config.mirror'] && !finished;
    })
    .map((p) => `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`);
}

/** Reboots the node in the simulator and waits until reboot-manager released its slot. */
export async function rebootAndWaitForRelease(c: TestCluster, node: string): Promise<void> {
  c.sim.store.rebootNode(node);
  c.sim.store.setNodeReady(node, true);
  await c.sim.store.waitFor(() => c.sim.store.getNode(node)?.metadata.annotations?.['rebootmanager/status'] === 'Ready', { timeoutMs: 10_000, description: `release of ${node}` });
}

/**
 * A pre-reboot answered 200, as Zincati gets it by asking again: on a busy machine even an empty drain can outlast the
 * short wait of the first answer, which then says `draining`; the second asks once the drain says it is done.
 */
export async function granted(c: TestCluster, node: string, group?: string): Promise<FleetLockResult> {
  const first = await c.preReboot(node, group);
  if (first.ok || first.kind !== 'draining') return first;
  await drainNoteMatches(c, node, /^drained: /);
  return c.preReboot(node, group);
}
