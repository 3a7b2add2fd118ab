// The in-process face of the store for tests and the demo: same RV bumps and watch events as API writes.
import type { Deleter } from './deletion.js';
import { randomBootID } from './fixtures.js';
import { EMPTY_PDB_STATUS } from './pdb.js';
import { nodeReady, setCondition, withPodReady } from './objects.js';
import { typeByName } from './resources.js';
import { parseLabelSelector } from './selectors.js';
import type { ObjectStore } from './store.js';
import type { KubeObject, NodeObject, PdbObject, PodObject } from './types.js';
import { nowTime } from './util.js';

const NODES = typeByName('nodes');
const PODS = typeByName('pods');
const NAMESPACES = typeByName('namespaces');

export interface SimChange {
  /** Plural resource name, e.g. "nodes", "leases". */
  resource: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  old?: KubeObject;
}

export interface PodFilter {
  namespace?: string;
  nodeName?: string;
  labelSelector?: string;
}

export interface WaitOptions {
  timeoutMs?: number;
  /** Named in the timeout error. */
  description?: string;
}

export interface SimStore {
  createNode(node: NodeObject): NodeObject;
  getNode(name: string): NodeObject | undefined;
  listNodes(): NodeObject[];
  /** Kubelet-style write of the whole node; a mutation that changes nothing keeps the resourceVersion. */
  updateNode(name: string, mutate: (node: NodeObject) => NodeObject | void): NodeObject;
  setNodeReady(name: string, ready: boolean): NodeObject;
  /** A new random bootID and Ready=False, as a node going down for reboot; call setNodeReady(name, true) when it is back. */
  rebootNode(name: string): NodeObject;
  /** The kubelet's periodic status post: the Ready condition's lastHeartbeatTime moves to now, nothing else changes. */
  postNodeStatus(name: string): NodeObject;
  deleteNode(name: string): void;
  createPod(pod: PodObject): PodObject;
  getPod(namespace: string, name: string): PodObject | undefined;
  listPods(filter?: PodFilter): PodObject[];
  setPodReady(namespace: string, name: string, ready: boolean): PodObject;
  /** Graceful like an API delete (scaled grace period); gracePeriodSeconds 0 removes at once. */
  deletePod(namespace: string, name: string, opts?: { gracePeriodSeconds?: number }): void;
  createPdb(pdb: PdbObject): PdbObject;
  createDaemonSet(ds: KubeObject): KubeObject;
  /** Generic access by plural resource name or kind ("leases", "Lease"). */
  create(resource: string, obj: KubeObject): KubeObject;
  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(resource: string, namespace?: string): KubeObject[];
  update(resource: string, obj: KubeObject): KubeObject;
  remove(resource: string, namespace: string | undefined, name: string): void;
  resourceVersion(): string;
  onChange(listener: (change: SimChange) => void): () => void;
  /** Resolves with the predicate's first truthy value, re-checked on every store change and when a watch opens or closes. */
  waitFor<T>(predicate: () => T | undefined | false | null, opts?: WaitOptions): Promise<T>;
}

export function createSimStore(store: ObjectStore, deleter: Deleter): SimStore {
  const ensureNamespace = (ns: string | undefined) => {
    if (ns && !store.get(NAMESPACES, undefined, ns)) store.create(NAMESPACES, { metadata: { name: ns }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  };
  const create = (resource: string, obj: KubeObject) => {
    const t = typeByName(resource);
    if (t.namespaced) {
      obj.metadata.namespace ??= 'default';
      ensureNamespace(obj.metadata.namespace);
    }
    return store.create(t, obj);
  };
  const mustGet = <T extends KubeObject>(resource: string, ns: string | undefined, name: string): T => {
    const o = store.get(typeByName(resource), ns, name);
    if (!o) throw new Error(`kube sim: ${resource} ${ns ? `${ns}/` : ''}${name} not found`);
    return o as T;
  };
  const updateNode = (name: string, mutate: (n: NodeObject) => NodeObject | void) => {
    const n = mustGet<NodeObject>('nodes', undefined, name);
    return store.update(NODES, mutate(n) ?? n) as NodeObject;
  };
  const podSelector = (f: PodFilter) => parseLabelSelector(f.labelSelector ?? null);

  return {
    createNode: (node) => create('nodes', node) as NodeObject,
    getNode: (name) => store.get(NODES, undefined, name) as NodeObject | undefined,
    listNodes: () => store.list(NODES) as NodeObject[],
    updateNode,
    setNodeReady: (name, ready) =>
      updateNode(name, (n) => {
        if (nodeReady(n) === ready) return;
        const reason = ready ? 'KubeletReady' : 'KubeletNotReady';
        const message = ready ? 'kubelet is posting ready status' : 'node is shutting down';
        const now = nowTime(store.clock);
        n.status.conditions = setCondition(n.status.conditions, 'Ready', ready, { reason, message, lastHeartbeatTime: now }, now);
      }),
    rebootNode: (name) =>
      updateNode(name, (n) => {
        if (n.status.nodeInfo) n.status.nodeInfo.bootID = randomBootID();
        const now = nowTime(store.clock);
        n.status.conditions = setCondition(n.status.conditions, 'Ready', false, { reason: 'KubeletNotReady', message: 'node is rebooting', lastHeartbeatTime: now }, now);
      }),
    postNodeStatus: (name) =>
      updateNode(name, (n) => {
        const ready = n.status.conditions?.find((c) => c.type === 'Ready');
        if (ready) ready.lastHeartbeatTime = nowTime(store.clock);
      }),
    deleteNode: (name) => {
      store.remove(NODES, undefined, name);
    },
    createPod: (pod) => create('pods', pod) as PodObject,
    getPod: (ns, name) => store.get(PODS, ns, name) as PodObject | undefined,
    listPods: (f = {}) => {
      const sel = podSelector(f);
      return (store.list(PODS, f.namespace) as PodObject[]).filter((p) => (f.nodeName === undefined || p.spec.nodeName === f.nodeName) && sel(p));
    },
    setPodReady: (ns, name, ready) => store.update(PODS, withPodReady(mustGet<PodObject>('pods', ns, name), ready, nowTime(store.clock))) as PodObject,
    deletePod: (ns, name, opts = {}) => {
      deleter.delete(PODS, ns, name, opts);
    },
    // As over the API: the budget starts with an empty status the disruption controller fills in after the fact.
    createPdb: (pdb) => create('poddisruptionbudgets', { ...pdb, status: { ...EMPTY_PDB_STATUS } }) as PdbObject,
    createDaemonSet: (ds) => create('daemonsets', ds),
    create,
    get: (resource, ns, name) => store.get(typeByName(resource), ns, name),
    list: (resource, ns) => store.list(typeByName(resource), ns),
    update: (resource, obj) => store.update(typeByName(resource), obj),
    remove: (resource, ns, name) => {
      store.remove(typeByName(resource), ns, name);
    },
    resourceVersion: () => String(store.currentRV()),
    onChange: (listener) => store.subscribe((c) => listener({ resource: c.type.resource, type: c.event.type, object: c.event.object, ...(c.event.old ? { old: c.event.old } : {}) })),
    waitFor: <T>(predicate: () => T | undefined | false | null, opts: WaitOptions = {}) =>
      new Promise<T>((resolve, reject) => {
        const timeoutMs = opts.timeoutMs ?? 5000;
        let unsubscribe = () => {};
        const state: { timer?: NodeJS.Timeout } = {};
        const check = (): boolean => {
          try {
            const v = predicate();
            if (v === undefined || v === false || v === null) return false;
            unsubscribe();
            clearTimeout(state.timer);
            resolve(v);
          } catch (e) {
            unsubscribe();
            clearTimeout(state.timer);
            reject(e instanceof Error ? e : new Error(String(e)));
          }
          return true;
        };
        if (check()) return;
        unsubscribe = store.observe(() => void check());
        // A real-time guard for the waiting test, not the store's clock: advancing a virtual clock must not time it out.
        state.timer = setTimeout(() => {
          unsubscribe();
          reject(new Error(`kube sim: waitFor${opts.description ? ` (${opts.description})` : ''} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
      }),
  };
}
