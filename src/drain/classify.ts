import type { PodView } from '../kube/pod-view.js';

/** What to do with a pod bound to a node being drained (the cases of `kubectl drain`). */
export type PodClass =
  /** A static pod's mirror: the kubelet owns it, the API cannot move it. */
  | 'mirror'
  /** Its DaemonSet would put it straight back (`--ignore-daemonsets`). */
  | 'daemonset'
  /** Succeeded or Failed: holds nothing, not waited on (left for its Job or its owner to clean up). */
  | 'finished'
  /** Evict it (emptyDir data is lost, as with `--delete-emptydir-data`). */
  | 'evict'
  /** No controller would recreate it and the policy is `block`: wait for an operator (like kubectl without `--force`). */
  | 'unmanaged';

export type UnmanagedPodPolicy = 'evict' | 'block';

export function classifyPod(pod: PodView, unmanaged: UnmanagedPodPolicy): PodClass {
  if (pod.mirror) return 'mirror';
  if (pod.phase === 'Succeeded' || pod.phase === 'Failed') return 'finished';
  if (pod.controllerKind === 'DaemonSet') return 'daemonset';
  if (pod.controllerKind === undefined && unmanaged === 'block') return 'unmanaged';
  return 'evict';
}

/** Pods that must be gone before the node is drained: the evictable and the blocked unmanaged ones. */
export function mustLeave(pod: PodView, unmanaged: UnmanagedPodPolicy): boolean {
  const cls = classifyPod(pod, unmanaged);
  return cls === 'evict' || cls === 'unmanaged';
}
