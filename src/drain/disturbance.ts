// The pods one drain has to remove, and what they belong to: the record written to the Node with the progress.
import type { NodeView } from '../kube/node-view.js';
import type { PodView } from '../kube/pod-view.js';
import { NOTHING_DISTURBED, POD_OWNERS_ONLY, withDisturbance, type DisturbanceLookup, type Disturbed, type WorkloadRef } from '../slot/disturbed.js';
import { disturbedOf } from '../slot/encoding.js';
import type { DrainProgress, Slot } from '../slot/slot.js';

/** What one progress write puts on the Node. */
export interface DrainRecord {
  readonly progress: DrainProgress;
  readonly disturbed: Disturbed;
}

export class DisturbedPods {
  /** By uid; bounded by the pods one node runs. */
  private readonly pods = new Map<string, PodView>();

  constructor(
    /** What an earlier leader's drain of this same claim recorded already. */
    private readonly base: Disturbed,
    private readonly lookup: DisturbanceLookup,
  ) {}

  /** For a drain of `slot`: the claim cleared the last drain's record, so one on the Node now is this claim's, from an earlier leader. */
  static forDrain(node: NodeView, slot: Slot, lookup: DisturbanceLookup | undefined): DisturbedPods {
    return new DisturbedPods((slot.phase === 'claimed' ? undefined : disturbedOf(node)) ?? NOTHING_DISTURBED, lookup ?? POD_OWNERS_ONLY);
  }

  /** A pod the drain removes (or waits on): its workload and budgets are disturbed from now on. */
  note(pod: PodView): void {
    this.pods.set(pod.uid, pod);
  }

  /** Resolved now, from the caches as they are: a cache that synced late still fills in the record. */
  record(): Disturbed {
    const workloads: WorkloadRef[] = [];
    const budgets = [];
    for (const pod of this.pods.values()) {
      if (pod.controllerKind !== undefined && pod.controllerName !== '') workloads.push(this.lookup.workloadOf({ kind: pod.controllerKind, namespace: pod.namespace, name: pod.controllerName }));
      budgets.push(...this.lookup.budgetsOf(pod.namespace, pod.labels));
    }
    return withDisturbance(this.base, workloads, budgets);
  }
}
