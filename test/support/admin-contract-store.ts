// The ContractStore on a real control plane, through its admin client: per-case reset, etcd compaction, and a stand-in kubelet.
import { request } from 'undici';
import type { ControlPlane } from '../../kit/control-plane.js';
import type { KubeObject, NodeObject, PdbObject, PodObject } from '../../src/sim/kube/types.js';
import type { ContractStore } from './contract-store.js';
import { pollUntil } from '../../kit/poll.js';

export interface RealContractStore extends ContractStore {
  /** Empties what the contract touches, as if the cluster were new. */
  reset(): Promise<void>;
  /** Stops the stand-in kubelet. */
  close(): void;
}

type List<T> = { items: T[]; metadata: { resourceVersion: string } };

/** How long the stand-in kubelet lets a pod terminate, so a caller sees it terminating before it is gone. */
const TERMINATION_MS = 1000;

export function adminContractStore(plane: ControlPlane): RealContractStore {
  const { admin } = plane;
  const get = async <T>(path: string): Promise<T | undefined> => {
    const answer = await admin.call<T>('GET', path);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const podPath = (ns: string, name = '') => `/api/v1/namespaces/${ns}/pods${name ? `/${name}` : ''}`;
  let running = true;
  const seen = new Map<string, number>();
  // No kubelet runs: pods given a grace period would stay terminating, so this one finishes them a second later.
  const kubelet = async () => {
    while (running) {
      const pods = (await get<List<PodObject>>('/api/v1/pods').catch(() => undefined))?.items ?? [];
      for (const p of pods) {
        const uid = p.metadata.uid ?? '';
        if (!p.metadata.deletionTimestamp) continue;
        const since = seen.get(uid) ?? Date.now();
        seen.set(uid, since);
        if (Date.now() - since < TERMINATION_MS) continue;
        await admin.call('DELETE', podPath(p.metadata.namespace ?? '', p.metadata.name ?? ''), { gracePeriodSeconds: 0, preconditions: { uid } }).catch(() => undefined);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  void kubelet();

  const waitFor = <T>(predicate: () => Promise<T | undefined | false | null>, description: string) => pollUntil(description, predicate, { timeoutMs: 30_000, intervalMs: 20 });
  const store: RealContractStore = {
    createNode: async (node) => {
      // A Node keeps the status it is created with (a Pod would not).
      await admin.ok('POST', '/api/v1/nodes', node);
      const name = node.metadata.name ?? '';
      // The node lifecycle controller lifts the not-ready taint admission put on a Ready node: wait, so it writes no more.
      return waitFor(async () => {
        const n = await get<NodeObject>(`/api/v1/nodes/${name}`);
        return n && !(n.spec.taints ?? []).some((x) => (x as { key?: string }).key === 'node.kubernetes.io/not-ready') ? n : undefined;
      }, `node ${name} settled`);
    },
    getNode: (name) => get<NodeObject>(`/api/v1/nodes/${name}`),
    labelNode: (name, labels) => admin.ok<NodeObject>('PATCH', `/api/v1/nodes/${name}`, { metadata: { labels } }, 'merge'),
    setNodeReady: async (name, ready) => {
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const condition = { type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? 'KubeletReady' : 'KubeletNotReady', message: ready ? 'kubelet is posting ready status' : 'node is shutting down', lastHeartbeatTime: now, lastTransitionTime: now };
      await admin.ok('PATCH', `/api/v1/nodes/${name}/status`, { status: { conditions: [condition] } }, 'strategic');
    },
    deleteNode: async (name) => void (await admin.ok('DELETE', `/api/v1/nodes/${name}`)),
    createPod: async (pod) => {
      const ns = pod.metadata.namespace ?? 'default';
      // Create drops the status: post it afterwards, as the pod's kubelet would.
      await admin.ok<PodObject>('POST', podPath(ns), { ...pod, status: undefined });
      return admin.ok<PodObject>('PATCH', `${podPath(ns, pod.metadata.name ?? '')}/status`, { status: pod.status }, 'merge');
    },
    getPod: (ns, name) => get<PodObject>(podPath(ns, name)),
    createPdb: async (pdb) => {
      const ns = pdb.metadata.namespace ?? 'default';
      const created = await admin.ok<PdbObject>('POST', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, pdb);
      return waitFor(async () => {
        const p = await get<PdbObject>(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/${created.metadata.name ?? ''}`);
        return p && (p.status?.observedGeneration ?? 0) >= (p.metadata.generation ?? 1) ? p : undefined;
      }, 'the budget is observed');
    },
    getEvent: (ns, name) => get<KubeObject>(`/api/v1/namespaces/${ns}/events/${name}`),
    resourceVersion: async () => (await admin.ok<List<unknown>>('GET', '/api/v1/nodes?limit=1')).metadata.resourceVersion,
    compact: () => compactEtcd(plane.etcdUrl),
    waitFor,
    reset: async () => {
      await admin.ok('DELETE', '/api/v1/nodes');
      for (const p of (await admin.ok<List<PodObject>>('GET', '/api/v1/pods')).items) {
        await admin.call('DELETE', podPath(p.metadata.namespace ?? '', p.metadata.name ?? ''), { gracePeriodSeconds: 0 });
      }
      await admin.ok('DELETE', '/apis/policy/v1/namespaces/default/poddisruptionbudgets');
      await admin.ok('DELETE', '/apis/coordination.k8s.io/v1/namespaces/reboot-manager/leases');
      await admin.ok('DELETE', '/api/v1/namespaces/default/events');
      await waitFor(async () => (await admin.ok<List<unknown>>('GET', '/api/v1/nodes')).items.length === 0 && (await admin.ok<List<unknown>>('GET', '/api/v1/pods')).items.length === 0, 'an empty cluster');
    },
    close: () => {
      running = false;
    },
  };
  return store;
}

/** Compacts etcd to its current revision (through its JSON gateway): every older version is gone for watches from etcd. */
export async function compactEtcd(etcdUrl: string): Promise<void> {
  const range = await request(`${etcdUrl}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: Buffer.from('/').toString('base64') }) });
  const revision = ((await range.body.json()) as { header: { revision: string } }).header.revision;
  const compacted = await request(`${etcdUrl}/v3/kv/compaction`, { method: 'POST', body: JSON.stringify({ revision, physical: true }) });
  await compacted.body.text();
}
