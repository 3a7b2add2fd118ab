// The slim views of Deployments, StatefulSets, ReplicaSets and PodDisruptionBudgets the health gate keeps:
// a few numbers each, so caching every one in a large cluster costs a few megabytes.

/** A Deployment, StatefulSet or ReplicaSet: is every replica ready, as its controller last reported? */
export interface WorkloadView {
  readonly kind: 'Deployment' | 'StatefulSet' | 'ReplicaSet';
  readonly namespace: string;
  readonly name: string;
  readonly generation: number;
  /** `status.observedGeneration`: below `generation`, the status is older than the spec. */
  readonly observedGeneration: number;
  /** `spec.replicas` (the API server defaults it to 1). */
  readonly replicas: number;
  readonly readyReplicas: number;
  /** A ReplicaSet's controlling Deployment, by name; '' otherwise. */
  readonly deployment: string;
}

/** A LabelSelector as a PodDisruptionBudget carries it (`matchExpressions` operators In, NotIn, Exists, DoesNotExist). */
export interface PodSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly { readonly key: string; readonly operator: string; readonly values: readonly string[] }[];
}

export interface BudgetView {
  readonly namespace: string;
  readonly name: string;
  readonly generation: number;
  readonly observedGeneration: number;
  /** null: selects no pod (policy/v1: a null selector matches nothing, an empty one every pod of the namespace). */
  readonly selector: PodSelector | null;
  readonly currentHealthy: number;
  readonly desiredHealthy: number;
  /** The pods the budget covers, as the disruption controller counts them (the controllers' scale, or the matched pods). */
  readonly expectedPods: number;
}

interface RawMeta {
  namespace?: string;
  name?: string;
  generation?: number;
  ownerReferences?: { kind?: string; name?: string; controller?: boolean }[] | null;
}

interface RawWorkload {
  kind?: string;
  metadata?: RawMeta;
  spec?: { replicas?: number | null };
  status?: { observedGeneration?: number; readyReplicas?: number | null };
}

interface RawBudget {
  metadata?: RawMeta;
  spec?: { selector?: { matchLabels?: Record<string, string> | null; matchExpressions?: { key?: string; operator?: string; values?: string[] | null }[] | null } | null };
  status?: { observedGeneration?: number; currentHealthy?: number; desiredHealthy?: number; expectedPods?: number };
}

const count = (v: unknown, absent: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : absent);

/** A workload as the API returns it; `kind` is the collection's, since list items may omit it. */
export function toWorkloadView(kind: WorkloadView['kind'], raw: unknown): WorkloadView {
  const o = raw as RawWorkload;
  const owner = (o.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  return {
    kind,
    namespace: o.metadata?.namespace ?? '',
    name: o.metadata?.name ?? '',
    generation: count(o.metadata?.generation, 0),
    observedGeneration: count(o.status?.observedGeneration, 0),
    replicas: count(o.spec?.replicas, 1),
    readyReplicas: count(o.status?.readyReplicas, 0),
    deployment: kind === 'ReplicaSet' && owner?.kind === 'Deployment' ? (owner.name ?? '') : '',
  };
}

export function toBudgetView(raw: unknown): BudgetView {
  const o = raw as RawBudget;
  const s = o.spec?.selector;
  return {
    namespace: o.metadata?.namespace ?? '',
    name: o.metadata?.name ?? '',
    generation: count(o.metadata?.generation, 0),
    observedGeneration: count(o.status?.observedGeneration, 0),
    selector: s
      ? {
          matchLabels: { ...(s.matchLabels ?? {}) },
          matchExpressions: (s.matchExpressions ?? []).map((e) => ({ key: e.key ?? '', operator: e.operator ?? '', values: [...(e.values ?? [])] })),
        }
      : null,
    currentHealthy: count(o.status?.currentHealthy, 0),
    desiredHealthy: count(o.status?.desiredHealthy, 0),
    expectedPods: count(o.status?.expectedPods, 0),
  };
}

export function sameWorkload(a: WorkloadView, b: WorkloadView): boolean {
  return a.generation === b.generation && a.observedGeneration === b.observedGeneration && a.replicas === b.replicas && a.readyReplicas === b.readyReplicas && a.deployment === b.deployment;
}

export function sameBudget(a: BudgetView, b: BudgetView): boolean {
  return (
    a.generation === b.generation &&
    a.observedGeneration === b.observedGeneration &&
    a.currentHealthy === b.currentHealthy &&
    a.desiredHealthy === b.desiredHealthy &&
    a.expectedPods === b.expectedPods &&
    JSON.stringify(a.selector) === JSON.stringify(b.selector)
  );
}

/** Whether a budget's selector picks a pod with `labels`, as the disruption controller decides it. */
export function budgetSelects(selector: PodSelector | null, labels: Readonly<Record<string, string>>): boolean {
  if (selector === null) return false;
  for (const [k, v] of Object.entries(selector.matchLabels)) if (labels[k] !== v) return false;
  return selector.matchExpressions.every((e) => {
    const has = Object.hasOwn(labels, e.key);
    switch (e.operator) {
      case 'In':
        return has && e.values.includes(labels[e.key] ?? '');
      case 'NotIn':
        return !has || !e.values.includes(labels[e.key] ?? '');
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false; // the API server rejects other operators; match nothing rather than guess
    }
  });
}
