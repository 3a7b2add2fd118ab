// The cluster side of the KubeApi contract: seed and inspect it. The simulator's SimStore and a real API server's admin both serve it.
import type { KubeObject, NodeObject, PdbObject, PodObject } from '../../src/sim/kube/types.js';
import type { SimStore } from '../../src/sim/kube/sim-store.js';
import { pollUntil } from '../../kit/poll.js';

export interface ContractStore {
  createNode(node: NodeObject): Promise<NodeObject>;
  getNode(name: string): Promise<NodeObject | undefined>;
  /** Relabels a node (a write that moves its resourceVersion). */
  labelNode(name: string, labels: Record<string, string>): Promise<NodeObject>;
  /** The kubelet posts Ready or NotReady. */
  setNodeReady(name: string, ready: boolean): Promise<void>;
  deleteNode(name: string): Promise<void>;
  /** A pod bound where the fixture says, with the fixture's status as its kubelet would post it. */
  createPod(pod: PodObject): Promise<PodObject>;
  getPod(namespace: string, name: string): Promise<PodObject | undefined>;
  /** Resolves once the disruption controller has computed the budget's status. */
  createPdb(pdb: PdbObject): Promise<PdbObject>;
  getEvent(namespace: string, name: string): Promise<KubeObject | undefined>;
  /** The version a list would carry now. */
  resourceVersion(): Promise<string>;
  /** Makes every version before now too old to watch from (the simulator's history limit does it by itself). */
  compact(): Promise<void>;
  /** The predicate's first truthy value, re-checked until the deadline. */
  waitFor<T>(predicate: () => Promise<T | undefined | false | null>, description: string): Promise<T>;
}

/** The SimStore as a ContractStore: every call applies at once. */
export function simContractStore(store: SimStore): ContractStore {
  return {
    createNode: async (node) => store.createNode(node),
    getNode: async (name) => store.getNode(name),
    labelNode: async (name, labels) => store.updateNode(name, (n) => void (n.metadata.labels = { ...n.metadata.labels, ...labels })),
    setNodeReady: async (name, ready) => void store.setNodeReady(name, ready),
    deleteNode: async (name) => store.deleteNode(name),
    createPod: async (pod) => store.createPod(pod),
    getPod: async (ns, name) => store.getPod(ns, name),
    createPdb: async (pdb) => {
      const created = store.createPdb(pdb);
      const key = [created.metadata.namespace ?? '', created.metadata.name ?? ''] as const;
      return store.waitFor(() => {
        const p = store.get('poddisruptionbudgets', ...key) as PdbObject | undefined;
        return p && (p.status?.observedGeneration ?? 0) >= (p.metadata.generation ?? 1) ? p : undefined;
      }, { description: 'the budget is observed' });
    },
    getEvent: async (ns, name) => store.get('events', ns, name),
    resourceVersion: async () => store.resourceVersion(),
    compact: async () => {},
    waitFor: (predicate, description) => pollUntil(description, predicate, { timeoutMs: 5000, intervalMs: 20 }),
  };
}
