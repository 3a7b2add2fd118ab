// Status of ReplicaSets, StatefulSets and Deployments, kept the way kube-controller-manager keeps it (v1.36
// calculateStatus / computeReplicaStatus): recomputed on a clock timer after a pod or workload changes.
// Status only: the simulator creates no ReplicaSet for a Deployment nor pods for a scale-up.
import type { CancelTimer } from '../../clock/clock.js';
import { controllerOf, podFinished, podPhase, podReady, podTerminating } from './objects.js';
import { typeByName, type ResourceType } from './resources.js';
import type { ObjectStore, StoreChange } from './store.js';
import type { KubeObject } from './types.js';

const PODS = typeByName('pods');
const REPLICASETS = typeByName('replicasets');
const STATEFULSETS = typeByName('statefulsets');
const DEPLOYMENTS = typeByName('deployments');
const WATCHED = new Set([PODS, REPLICASETS, STATEFULSETS, DEPLOYMENTS]);

/** Objects in `list` whose controller is `owner` (by kind and name: the simulator's fixtures share uids loosely). */
function controlledBy(list: readonly KubeObject[], owner: KubeObject): KubeObject[] {
  return list.filter((o) => {
    const ref = controllerOf(o);
    return ref !== undefined && ref.kind === owner.kind && ref.name === owner.metadata.name;
  });
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function withStatus(store: ObjectStore, t: ResourceType, o: KubeObject, status: Record<string, number>): void {
  store.update(t, { ...o, status: { ...o.status, ...status, observedGeneration: o.metadata.generation ?? 1 } });
}

/** ReplicaSet: active pods (not terminating, not finished) and the Ready ones among them. */
function syncReplicaSets(store: ObjectStore, ns: string, pods: readonly KubeObject[]): void {
  for (const rs of store.scan(REPLICASETS, ns)) {
    const active = controlledBy(pods, rs).filter((p) => !podTerminating(p) && !podFinished(p));
    const ready = active.filter(podReady).length;
    withStatus(store, REPLICASETS, rs, { replicas: active.length, fullyLabeledReplicas: active.length, readyReplicas: ready, availableReplicas: ready });
  }
}

/** StatefulSet: every created pod counts, and a Running Ready one is ready even while it terminates. */
function syncStatefulSets(store: ObjectStore, ns: string, pods: readonly KubeObject[]): void {
  for (const sts of store.scan(STATEFULSETS, ns)) {
    const mine = controlledBy(pods, sts);
    const ready = mine.filter((p) => podPhase(p) === 'Running' && podReady(p)).length;
    const current = mine.filter((p) => !podTerminating(p)).length;
    withStatus(store, STATEFULSETS, sts, { replicas: mine.length, readyReplicas: ready, availableReplicas: ready, currentReplicas: current, updatedReplicas: current });
  }
}

/** Deployment: the sums over its ReplicaSets' statuses (every ReplicaSet counted as up to date). */
function syncDeployments(store: ObjectStore, ns: string): void {
  const sets = store.scan(REPLICASETS, ns);
  for (const d of store.scan(DEPLOYMENTS, ns)) {
    const mine = controlledBy(sets, d);
    const sum = (field: string): number => mine.reduce((n, rs) => n + num(rs.status?.[field]), 0);
    const replicas = sum('replicas');
    const available = sum('availableReplicas');
    withStatus(store, DEPLOYMENTS, d, { replicas, updatedReplicas: replicas, readyReplicas: sum('readyReplicas'), availableReplicas: available, unavailableReplicas: Math.max(0, num(d.spec?.replicas ?? 1) - available) });
  }
}

export function refreshWorkloads(store: ObjectStore, ns: string): void {
  const pods = store.scan(PODS, ns);
  syncReplicaSets(store, ns, pods);
  syncStatefulSets(store, ns, pods);
  syncDeployments(store, ns);
}

/**
 * The ReplicaSet, StatefulSet and Deployment controllers' status writes: a namespace's workloads are recomputed
 * `delayMs` after a pod or workload there changes (a write that changes nothing keeps the RV and raises no event).
 */
export function startWorkloadStatusController(store: ObjectStore, delayMs = 0): () => void {
  const dirty = new Set<string>();
  let cancel: CancelTimer | undefined;
  const sync = (): void => {
    cancel = undefined;
    const namespaces = [...dirty];
    dirty.clear();
    for (const ns of namespaces) refreshWorkloads(store, ns);
  };
  const unsubscribe = store.subscribe((c: StoreChange) => {
    if (!WATCHED.has(c.type)) return;
    dirty.add(c.event.object.metadata.namespace ?? '');
    cancel ??= store.clock.setTimer(delayMs, sync);
  });
  return () => {
    unsubscribe();
    cancel?.();
  };
}
