// The cluster the simulation runs: machines that really reboot, kubelets that report them, a node
// controller that notices silence, and workloads under PodDisruptionBudgets with controllers that replace evicted pods.
import type { VirtualClock } from '../../clock/virtual-clock.js';
import type { Random } from '../fleet/random.js';
import { machineIdFor, makeDaemonSet, makeNode, makePdb, makePod } from '../kube/fixtures.js';
import { createMemoryCluster, type MemoryCluster } from '../kube/memory-api.js';
import type { NodeObject } from '../kube/types.js';
import { nowTime } from '../kube/util.js';

/** What is really true of a machine, whatever the API server says. */
export interface Machine {
  readonly name: string;
  readonly machineId: string;
  up: boolean;
  bootId: string;
  boots: number;
  /** When its kubelet last posted the node's status (ms). */
  lastPost: number;
}

export const KUBELET_POST_MS = 10_000;
/** The node controller's --node-monitor-grace-period. */
export const NODE_MONITOR_GRACE_MS = 40_000;

export interface World {
  readonly cluster: MemoryCluster;
  readonly machines: Machine[];
  machine(name: string): Machine;
  /** The machine goes down (Zincati rebooting it, or the platform). */
  shutDown(name: string): void;
  /** It comes back with a new boot; its kubelet reports after `kubeletDelayMs`. */
  bootUp(name: string, kubeletDelayMs: number): void;
  /** A reboot as an agent drives it: down now, up 5–95 s later with its kubelet up to 20 s behind, then `after` within 30 s. */
  reboot(name: string, random: Random, after: () => void): void;
  close(): void;
}

export function createWorld(clock: VirtualClock, random: Random, nodes: number): World {
  const cluster = createMemoryCluster({ clock, random, controllers: { replaceEvicted: true, readyDelayMs: 5_000 }, graceMsPerSecond: 1000 });
  const { store } = cluster;
  const machines: Machine[] = [];
  const bootIdOf = (name: string, boots: number): string => `${name}-boot-${boots}`;

  const post = (m: Machine): void => {
    if (!m.up) return;
    m.lastPost = clock.now();
    store.updateNode(m.name, (n: NodeObject) => {
      if (n.status.nodeInfo) n.status.nodeInfo.bootID = m.bootId;
      n.status.conditions = (n.status.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'True', reason: 'KubeletReady', lastHeartbeatTime: nowTime(clock) } : c));
    });
  };
  const kubelet = (m: Machine, boots: number): void => {
    // One loop per boot: it stops with the machine.
    const tick = (): void => {
      if (!m.up || m.boots !== boots) return;
      post(m);
      clock.setTimer(KUBELET_POST_MS, tick);
    };
    tick();
  };
  const nodeController = (): void => {
    for (const m of machines) {
      if (clock.now() - m.lastPost < NODE_MONITOR_GRACE_MS) continue;
      const node = store.getNode(m.name);
      if (node?.status.conditions?.some((c) => c.type === 'Ready' && c.status !== 'True')) continue;
      store.updateNode(m.name, (n: NodeObject) => {
        n.status.conditions = (n.status.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown' } : c));
      });
    }
    clock.setTimer(5_000, nodeController);
  };

  store.create('namespaces', { metadata: { name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  for (let i = 1; i <= nodes; i++) {
    const name = `node-${i}`;
    const m: Machine = { name, machineId: machineIdFor(i), up: true, bootId: bootIdOf(name, 0), boots: 0, lastPost: clock.now() };
    machines.push(m);
    store.createNode(makeNode({ name, machineID: m.machineId, bootID: m.bootId, clock }));
    store.createPod(makePod({ namespace: 'kube-system', name: `agent-${name}`, nodeName: name, owner: { kind: 'DaemonSet', name: 'agent' }, labels: { app: 'agent' }, clock }));
    kubelet(m, 0);
  }
  store.createDaemonSet(makeDaemonSet('kube-system', 'agent'));
  // Two applications, each one pod per node at most, each under a budget that allows one disruption.
  for (const app of ['web', 'db']) {
    const replicas = Math.max(2, nodes - 1);
    store.create('replicasets', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: app, namespace: 'shop', uid: `rs-${app}` }, spec: { replicas, selector: { matchLabels: { app } } } });
    const start = Math.floor(random() * nodes);
    for (let r = 0; r < replicas; r++) {
      const node = `node-${((start + r) % nodes) + 1}`;
      store.createPod(makePod({ namespace: 'shop', name: `${app}-${r}`, nodeName: node, owner: { kind: 'ReplicaSet', name: app, uid: `rs-${app}` }, labels: { app }, terminationGracePeriodSeconds: 5 + Math.floor(random() * 25), clock }));
    }
    store.createPdb(makePdb({ namespace: 'shop', name: app, selector: { app }, maxUnavailable: 1 }));
  }
  clock.setTimer(5_000, nodeController);

  const machine = (name: string): Machine => {
    const m = machines.find((x) => x.name === name);
    if (!m) throw new Error(`no machine ${name}`);
    return m;
  };
  const world: World = {
    cluster,
    machines,
    machine,
    shutDown(name) {
      const m = machine(name);
      m.up = false;
    },
    bootUp(name, kubeletDelayMs) {
      const m = machine(name);
      m.boots += 1;
      m.bootId = bootIdOf(name, m.boots);
      m.up = true;
      const boots = m.boots;
      clock.setTimer(kubeletDelayMs, () => kubelet(m, boots));
    },
    reboot(name, random, after) {
      world.shutDown(name);
      clock.setTimer(5_000 + random() * 90_000, () => {
        world.bootUp(name, random() * 20_000);
        // The agent's next word may come before the kubelet reports the new boot.
        clock.setTimer(random() * 30_000, after);
      });
    },
    close: () => cluster.close(),
  };
  return world;
}
