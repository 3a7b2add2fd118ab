// The health gate's arithmetic, as pure functions: what one release still misses, and since when it may stop waiting.
import type { NodeView } from '../kube/node-view.js';
import type { BudgetView, WorkloadView } from '../kube/workload-views.js';
import type { HealthGateSettings } from '../policy/health-gate.js';
import { budgetKey, workloadKey, type BudgetRef, type Disturbed, type WorkloadRef } from '../slot/disturbed.js';

/** A node whose slot reboot-manager released, as the gate sees it. */
export interface Release {
  readonly node: NodeView;
  /** The `released-at` annotation as written (it names the release a settle mark belongs to). */
  readonly atIso: string;
  readonly at: number;
  /** What its drain disturbed; undefined when no drain of this version recorded it (a claim withdrawn before its drain). */
  readonly disturbed: Disturbed | undefined;
}

/** Where the gate reads controller status: the workload caches. */
export interface StatusLookup {
  /** The caches have listed: a workload missing from them is gone, not unknown. */
  readonly synced: boolean;
  workload(kind: string, namespace: string, name: string): WorkloadView | undefined;
  budget(namespace: string, name: string): BudgetView | undefined;
}

export type Missing =
  | { readonly kind: 'workload'; readonly workload: WorkloadRef; readonly ready: number; readonly replicas: number; readonly behind: boolean }
  | { readonly kind: 'budget'; readonly budget: BudgetRef; readonly healthy: number; readonly expected: number; readonly behind: boolean }
  | { readonly kind: 'statuses-unknown' }
  | { readonly kind: 'node-not-ready' }
  | { readonly kind: 'node-ready-for'; readonly readyForMs: number; readonly needMs: number };

export interface Assessment {
  readonly missing: readonly Missing[];
  /** When the gate stops waiting for this release (then `onTimeout`). */
  readonly timeoutAt: number;
  readonly timedOut: boolean;
  /** When the node will have been Ready for long enough, if it is Ready now. */
  readonly readyAt: number | undefined;
}

/** The workload the controller status is read from: a ReplicaSet owned by a Deployment is judged by the Deployment. */
function statusOf(ref: WorkloadRef, lookup: StatusLookup): WorkloadView | undefined {
  const view = lookup.workload(ref.kind, ref.namespace, ref.name);
  if (view?.kind === 'ReplicaSet' && view.deployment !== '') return lookup.workload('Deployment', ref.namespace, view.deployment) ?? view;
  return view;
}

/** Not whole: its controller has not caught up with its spec, or reports fewer ready replicas than it wants. Gone: whole. */
function workloadMissing(ref: WorkloadRef, lookup: StatusLookup): Missing | undefined {
  const view = statusOf(ref, lookup);
  if (!view) return undefined;
  const behind = view.observedGeneration < view.generation;
  if (!behind && view.readyReplicas >= view.replicas) return undefined;
  return { kind: 'workload', workload: { kind: view.kind, namespace: view.namespace, name: view.name }, ready: view.readyReplicas, replicas: view.replicas, behind };
}

/**
 * Not whole: the disruption controller has not caught up, or counts fewer healthy pods than the budget covers.
 * (Not `currentHealthy < desiredHealthy`: a budget never drops below that through evictions it allowed itself, so
 * after a drain it would always pass; every covered pod healthy is what "the budget is whole again" means.) Gone: whole.
 */
function budgetMissing(ref: BudgetRef, lookup: StatusLookup): Missing | undefined {
  const view = lookup.budget(ref.namespace, ref.name);
  if (!view) return undefined;
  const behind = view.observedGeneration < view.generation;
  if (!behind && view.currentHealthy >= Math.max(view.expectedPods, view.desiredHealthy)) return undefined;
  return { kind: 'budget', budget: ref, healthy: view.currentHealthy, expected: Math.max(view.expectedPods, view.desiredHealthy), behind };
}

/**
 * What `release` still misses at `now`. A node whose Ready time is unknown (readySince 0) counts from the
 * release, which waited for it to be Ready.
 */
export function assess(release: Release, lookup: StatusLookup, settings: HealthGateSettings, now: number): Assessment {
  const missing: Missing[] = [];
  const d = release.disturbed;
  if (d && (d.workloads.length > 0 || d.budgets.length > 0)) {
    if (!lookup.synced) missing.push({ kind: 'statuses-unknown' });
    else {
      const seen = new Set<string>();
      for (const ref of d.workloads) {
        const m = workloadMissing(ref, lookup);
        if (m?.kind === 'workload' && !seen.has(workloadKey(m.workload))) missing.push(m);
        if (m?.kind === 'workload') seen.add(workloadKey(m.workload));
      }
      for (const ref of d.budgets) {
        const m = budgetMissing(ref, lookup);
        if (m && !seen.has(budgetKey(ref))) missing.push(m);
        seen.add(budgetKey(ref));
      }
    }
  }
  let readyAt: number | undefined;
  if (!release.node.ready) missing.push({ kind: 'node-not-ready' });
  else {
    readyAt = (release.node.readySince || release.at) + settings.nodeReadyMs;
    if (now < readyAt) missing.push({ kind: 'node-ready-for', readyForMs: now - (readyAt - settings.nodeReadyMs), needMs: settings.nodeReadyMs });
  }
  const timeoutAt = release.at + settings.timeoutMs;
  return { missing, timeoutAt, timedOut: now >= timeoutAt, readyAt };
}
