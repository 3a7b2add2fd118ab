// Realistic Nodes, Pods and PodDisruptionBudgets for tests and the demo.
import { createHash } from 'node:crypto';
import type { Clock } from '../../clock/clock.js';
import { withPodReady } from './objects.js';
import type { KubeObject, NodeObject, PdbObject, PodObject } from './types.js';
import { newUid, nowTime, randomHex } from './util.js';

export interface NodeFixture {
  name: string;
  machineID: string;
  bootID?: string;
  ready?: boolean;
  unschedulable?: boolean;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  /** Entries in status.images; ~50 makes the JSON ~40 KB like a real node. */
  imageCount?: number;
  kubeletVersion?: string;
  /** The node's InternalIP (default: a made-up 10.0.x.y); a loopback one lets a test call from "the node". */
  address?: string;
  /** Stamps the conditions' times; pass the cluster's clock when it is virtual. Default: system time. */
  clock?: Clock;
  /** An ExternalIP besides the derived InternalIP, e.g. 127.0.0.1 when the node's FleetLock client is a local load generator. */
  externalIP?: string;
}

/** The label AKS gives a node of its node pool: the bench's RebootPolicy pools select on it. */
export const AGENT_POOL_LABEL = 'kubernetes.azure.com/agentpool';

/** The node pool of simulated node `i` when the nodes are spread over `pools` pools in turn: pool0, pool1, ... */
export function agentPoolOf(i: number, pools: number): string {
  return `pool${i % pools}`;
}

/** A loopback address of its own for simulated node `i` (1-based), so its FleetLock calls can come "from the node". */
export function loopbackAddress(i: number): string {
  return `127.1.${Math.floor(i / 250) % 256}.${(i % 250) + 1}`;
}

function fakeDigest(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

function images(count: number): { names: string[]; sizeBytes: number }[] {
  return Array.from({ length: count }, (_, i) => {
    const repo = `registry.example.com/platform/component-${String(i).padStart(3, '0')}`;
    return {
      names: [
        `${repo}@sha256:${fakeDigest(`${repo}-a`)}`,
        `${repo}@sha256:${fakeDigest(`${repo}-b`)}`,
        `mirror.registry.example.com/cache/platform/component-${String(i).padStart(3, '0')}@sha256:${fakeDigest(`${repo}-c`)}`,
        `registry-westeurope.mirror.example.com/platform-images/component-${String(i).padStart(3, '0')}@sha256:${fakeDigest(`${repo}-d`)}`,
        `registry-northeurope.mirror.example.com/platform-images/component-${String(i).padStart(3, '0')}@sha256:${fakeDigest(`${repo}-e`)}`,
        `${repo}:v1.${i % 30}.${i % 7}-build.${fakeDigest(repo).slice(0, 12)}`,
      ],
      sizeBytes: 10_000_000 + i * 1_234_567,
    };
  });
}

/** A bootID in the kernel's format (a random UUID). */
export function randomBootID(): string {
  return newUid();
}

export function makeNode(f: NodeFixture): NodeObject {
  const now = nowTime(f.clock);
  const ready = f.ready ?? true;
  const cond = (type: string, status: boolean, reason: string, message: string) => ({
    type,
    status: status ? ('True' as const) : ('False' as const),
    lastHeartbeatTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  const ip = f.address ?? `10.0.${(fakeDigest(f.name).charCodeAt(0) % 200) + 1}.${(fakeDigest(f.name).charCodeAt(1) % 250) + 2}`;
  const node: NodeObject = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: f.name,
      labels: {
        'kubernetes.io/hostname': f.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': 'Standard_D4s_v5',
        'topology.kubernetes.io/region': 'westeurope',
        'topology.kubernetes.io/zone': 'westeurope-1',
        ...f.labels,
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        ...f.annotations,
      },
    },
    spec: { podCIDR: '10.244.0.0/24', providerID: `azure:///subscriptions/sim/virtualMachines/${f.name}` },
    status: {
      capacity: { cpu: '4', 'ephemeral-storage': '129886128Ki', memory: '16374584Ki', pods: '110' },
      allocatable: { cpu: '3860m', 'ephemeral-storage': '119703055367', memory: '12880696Ki', pods: '110' },
      conditions: [
        cond('MemoryPressure', false, 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', false, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', false, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        ready ? cond('Ready', true, 'KubeletReady', 'kubelet is posting ready status') : cond('Ready', false, 'KubeletNotReady', 'container runtime network not ready'),
      ],
      addresses: [
        { type: 'InternalIP', address: ip },
        ...(f.externalIP ? [{ type: 'ExternalIP', address: f.externalIP }] : []),
        { type: 'Hostname', address: f.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: f.machineID,
        systemUUID: fakeDigest(`uuid-${f.machineID}`).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5'),
        bootID: f.bootID ?? randomBootID(),
        kernelVersion: '6.11.9-200.fc40.x86_64',
        osImage: 'Fedora CoreOS 40.20241110.3.0',
        containerRuntimeVersion: 'cri-o://1.32.1',
        kubeletVersion: f.kubeletVersion ?? 'v1.32.4',
        kubeProxyVersion: f.kubeletVersion ?? 'v1.32.4',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
      ...(f.imageCount ? { images: images(f.imageCount) } : {}),
    },
  };
  if (f.unschedulable) node.spec.unschedulable = true;
  return node;
}

export interface PodFixture {
  namespace: string;
  name: string;
  nodeName?: string;
  owner?: { kind: string; name: string; uid?: string; apiVersion?: string };
  ready?: boolean;
  phase?: string;
  emptyDir?: boolean;
  /** A static pod's mirror: annotated kubernetes.io/config.mirror. */
  mirror?: boolean;
  terminationGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  /** `status.podIP` (and `podIPs`), as the kubelet reports it once the sandbox is up. */
  podIP?: string;
  /** Stamps the readiness times; pass the cluster's clock when it is virtual. Default: system time. */
  clock?: Clock;
}

export function makePod(f: PodFixture): PodObject {
  const ownerApi = f.owner?.apiVersion ?? (f.owner?.kind === 'Node' ? 'v1' : 'apps/v1');
  const pod: PodObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: f.name,
      namespace: f.namespace,
      labels: { ...f.labels },
      ...(f.mirror ? { annotations: { 'kubernetes.io/config.mirror': randomHex(16), 'kubernetes.io/config.source': 'file' } } : {}),
      ...(f.owner
        ? { ownerReferences: [{ apiVersion: ownerApi, kind: f.owner.kind, name: f.owner.name, uid: f.owner.uid ?? newUid(), controller: true, blockOwnerDeletion: true }] }
        : {}),
    },
    spec: {
      containers: [{ name: 'main', image: 'registry.example.com/app:1.0', resources: {} }],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: f.terminationGracePeriodSeconds ?? 30,
      ...(f.nodeName ? { nodeName: f.nodeName } : {}),
      ...(f.emptyDir ? { volumes: [{ name: 'scratch', emptyDir: {} }] } : {}),
    },
    status: { phase: f.phase ?? (f.nodeName ? 'Running' : 'Pending'), conditions: [], containerStatuses: [], ...(f.podIP ? { podIP: f.podIP, podIPs: [{ ip: f.podIP }] } : {}) },
  };
  const ready = f.ready ?? (f.nodeName !== undefined && (f.phase ?? 'Running') === 'Running');
  const withReady = withPodReady(pod, ready, nowTime(f.clock));
  if (f.phase) withReady.status.phase = f.phase;
  return withReady;
}

export interface PdbFixture {
  namespace: string;
  name: string;
  selector: Record<string, string>;
  minAvailable?: number | string;
  maxUnavailable?: number | string;
}

export function makePdb(f: PdbFixture): PdbObject {
  const spec: PdbObject['spec'] = { selector: { matchLabels: { ...f.selector } } };
  if (f.minAvailable !== undefined) spec.minAvailable = f.minAvailable;
  if (f.maxUnavailable !== undefined) spec.maxUnavailable = f.maxUnavailable;
  if (f.minAvailable === undefined && f.maxUnavailable === undefined) spec.minAvailable = 1;
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: f.name, namespace: f.namespace }, spec };
}

export interface WorkloadFixture {
  kind: 'Deployment' | 'StatefulSet' | 'ReplicaSet';
  namespace: string;
  name: string;
  replicas: number;
  /** Selector and pod template labels. */
  labels: Record<string, string>;
  /** The controlling owner: a ReplicaSet's Deployment (its uid as the store gave it). */
  owner?: { kind: string; name: string; uid: string };
}

/** A Deployment, StatefulSet or ReplicaSet object; its pods are created separately (the simulator runs no scale-up). */
export function makeWorkload(f: WorkloadFixture): KubeObject {
  const owner = f.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: f.owner.kind, name: f.owner.name, uid: f.owner.uid, controller: true, blockOwnerDeletion: true }] } : {};
  return {
    apiVersion: 'apps/v1',
    kind: f.kind,
    metadata: { name: f.name, namespace: f.namespace, labels: { ...f.labels }, ...owner },
    spec: {
      replicas: f.replicas,
      selector: { matchLabels: { ...f.labels } },
      template: { metadata: { labels: { ...f.labels } }, spec: { containers: [{ name: 'main', image: 'registry.example.com/app:1.0' }] } },
      ...(f.kind === 'StatefulSet' ? { serviceName: f.name } : {}),
    },
  };
}

/** Deterministic 32-hex machine-id for node index i (the standalone simulator's fleet). */
export function machineIdFor(i: number): string {
  return createHash('sha256').update(`sim-machine-${i}`).digest('hex').slice(0, 32);
}

export function makeDaemonSet(namespace: string, name: string, labels: Record<string, string> = { app: name }) {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'registry.example.com/agent:1.0' }] } },
    },
  };
}
