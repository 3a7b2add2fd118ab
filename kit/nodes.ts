// Nodes as a real kubelet registers them (machine-id, bootID, addresses, capacity, ~50 images), and their reboots.
import { loopbackAddress } from '../src/sim/kube/fixtures.js';
import { createHash, randomUUID } from 'node:crypto';
import type { AdminClient } from './admin-client.js';
import { pollUntil } from './poll.js';

/** kwok plays the kubelet of every Node carrying this annotation (see kwok-stages.yaml). */
export const KWOK_ANNOTATION = { 'kwok.x-k8s.io/node': 'fake' } as const;
/** While set to "off", kwok keeps the node NotReady: the machine is rebooting. */
export const POWER_LABEL = 'kit.reboot-manager.test/power';

export interface FakeNode {
  readonly name: string;
  readonly machineId: string;
  readonly address: string;
}

const hex = (seed: string, length: number): string => createHash('sha256').update(seed).digest('hex').slice(0, length);

/** A kubelet reports up to 50 images (its --node-status-max-images default): most of a real Node's bytes. */
export function nodeImages(seed: string, count = 50): { names: string[]; sizeBytes: number }[] {
  return Array.from({ length: count }, (_, i) => {
    const repo = `registry.example.com/team-${i % 7}/service-${i}`;
    return { names: [`${repo}@sha256:${hex(`${seed}/${i}`, 64)}`, `${repo}:v1.${i}.${i % 5}`], sizeBytes: 20_000_000 + ((i * 7_919_993) % 400_000_000) };
  });
}

export interface NodeSpecOptions {
  readonly kwok?: boolean;
  /** Ready at creation (for nodes no kwok manages). */
  readonly ready?: boolean;
  readonly labels?: Record<string, string>;
  readonly index?: number;
  /** Also an ExternalIP (the bench's load generator sends every request from 127.0.0.1). */
  readonly externalIP?: string;
}

/** The Node object for `name`: machine-id and (loopback) address derived from the name or index, a fresh bootID. */
export function nodeObject(name: string, opts: NodeSpecOptions = {}): { node: Record<string, unknown>; fake: FakeNode } {
  const index = opts.index ?? Number.parseInt(hex(name, 6), 16);
  // A loopback address of its own: a test's FleetLock client binds it to call "from the node".
  const address = loopbackAddress(index);
  const machineId = hex(`machine-id/${name}`, 32);
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node-role.kubernetes.io/worker': '', ...opts.labels },
      ...(opts.kwok === false ? {} : { annotations: { ...KWOK_ANNOTATION } }),
    },
    spec: {},
    status: {
      addresses: [{ type: 'InternalIP', address }, ...(opts.externalIP ? [{ type: 'ExternalIP', address: opts.externalIP }] : []), { type: 'Hostname', address: name }],
      capacity: { cpu: '16', memory: '64Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      allocatable: { cpu: '15', memory: '62Gi', pods: '110', 'ephemeral-storage': '95Gi' },
      nodeInfo: {
        machineID: machineId, bootID: randomUUID(), systemUUID: randomUUID(),
        kernelVersion: '6.15.9-201.fc42.x86_64', osImage: 'Fedora CoreOS 42.20250901.3.0', containerRuntimeVersion: 'cri-o://1.33.3',
        kubeletVersion: 'v1.36.3', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64',
      },
      images: nodeImages(name),
      ...(opts.ready ? { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }] } : {}),
    },
  };
  return { node, fake: { name, machineId, address } };
}

/** Registers the nodes (status included, as a kubelet does) and returns what a fleet needs to know of them. */
export interface CreateNodesOptions extends NodeSpecOptions {
  /** Registrations in flight at once (default 1). */
  readonly concurrency?: number;
  /** Skip the status PATCH: the API server keeps a Node's status on create, so one request does (bulk set-up). */
  readonly oneRequest?: boolean;
}

export async function createNodes(admin: AdminClient, names: readonly string[], opts: CreateNodesOptions = {}): Promise<FakeNode[]> {
  const out: FakeNode[] = new Array<FakeNode>(names.length);
  let next = 0;
  // A few registrations in flight: thousands of Nodes in seconds, not minutes.
  const worker = async (): Promise<void> => {
    for (let i = next++; i < names.length; i = next++) {
      const name = names[i] ?? '';
      const { node, fake } = nodeObject(name, { ...opts, index: opts.index ?? i + 1 });
      await admin.ok('POST', '/api/v1/nodes', node);
      // As a kubelet does: register, then post the full status through the status subresource.
      if (!opts.oneRequest) await admin.ok('PATCH', `/api/v1/nodes/${name}/status`, { status: node.status }, 'merge');
      out[i] = fake;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, worker));
  return out;
}

interface NodeStatusView {
  status?: { conditions?: { type: string; status: string }[]; nodeInfo?: { bootID?: string } };
}

export function isReady(node: NodeStatusView): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Reboots a kwok node as a machine does: kubelet down (NotReady), back with a new bootID, Ready again. */
export class Reboots {
  private readonly pending = new Map<string, Promise<void>>();
  readonly errors: string[] = [];

  constructor(private readonly admin: AdminClient, private readonly pollMs = 100) {}

  /** Goes down: NotReady (kwok's node-power-off stage), then the new bootID the next boot will report. */
  powerOff(name: string): Promise<void> {
    return this.chain(name, async () => {
      await this.admin.ok('PATCH', `/api/v1/nodes/${name}`, { metadata: { labels: { [POWER_LABEL]: 'off' } } }, 'merge');
      await this.untilNode(name, (n) => !isReady(n));
      await this.admin.ok('PATCH', `/api/v1/nodes/${name}/status`, { status: { nodeInfo: { bootID: randomUUID() } } }, 'merge');
    });
  }

  /** The kubelet is up again: kwok's node-boot stage reports Ready. */
  powerOn(name: string): Promise<void> {
    return this.chain(name, async () => {
      await this.admin.ok('PATCH', `/api/v1/nodes/${name}`, { metadata: { labels: { [POWER_LABEL]: null } } }, 'merge');
      await this.untilNode(name, isReady);
    });
  }

  /** Resolves when every reboot step asked for so far is done. */
  async settled(): Promise<void> {
    await Promise.all(this.pending.values());
  }

  private chain(name: string, step: () => Promise<void>): Promise<void> {
    const next = (this.pending.get(name) ?? Promise.resolve()).then(step).catch((err: unknown) => {
      this.errors.push(`${name}: ${(err as Error).message}`);
    });
    this.pending.set(name, next);
    return next;
  }

  private async untilNode(name: string, done: (node: NodeStatusView) => boolean): Promise<void> {
    await pollUntil(`node ${name} to change state`, async () => done(await this.admin.ok<NodeStatusView>('GET', `/api/v1/nodes/${name}`)), { intervalMs: this.pollMs });
  }
}
