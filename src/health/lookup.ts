// The drain names what it disturbs from the health gate's caches: a ReplicaSet's Deployment, the budgets selecting a pod.
import type { WorkloadCaches } from '../kube/workloads.js';
import type { DisturbanceLookup } from '../slot/disturbed.js';

/** Answers from the caches as they are; while they are stopped or listing, the pod's own controller and no budgets. */
export function cachedDisturbance(workloads: Pick<WorkloadCaches, 'workload' | 'budgetsSelecting'>): DisturbanceLookup {
  return {
    workloadOf(ref) {
      if (ref.kind !== 'ReplicaSet') return ref;
      const deployment = workloads.workload('ReplicaSet', ref.namespace, ref.name)?.deployment ?? '';
      return deployment === '' ? ref : { kind: 'Deployment', namespace: ref.namespace, name: deployment };
    },
    budgetsOf: (namespace, labels) => workloads.budgetsSelecting(namespace, labels).map((b) => ({ namespace: b.namespace, name: b.name })),
  };
}
