// What a node's last drain disturbed, as data: the workloads whose pods it removed and the budgets covering them.
// Kept on the Node after the release, so the health gate (on any leader) knows what must be whole again.

/** A pod's controlling workload: `Deployment` (a ReplicaSet resolved to it), `StatefulSet`, `ReplicaSet`, or any other kind as is. */
export interface WorkloadRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** A PodDisruptionBudget whose selector matched a removed pod. */
export interface BudgetRef {
  readonly namespace: string;
  readonly name: string;
}

export interface Settled {
  /** RFC 3339. */
  readonly at: string;
  /** `whole`: everything was back; `timeout`: the gate gave up and let claims proceed. */
  readonly by: 'whole' | 'timeout';
}

export interface Disturbed {
  readonly workloads: readonly WorkloadRef[];
  readonly budgets: readonly BudgetRef[];
  /** Workloads and budgets past the caps: counted, not named (the annotation stays small). */
  readonly omitted: number;
  /** Set once the health gate no longer waits for this release; null while it does. */
  readonly settled: Settled | null;
}

/** At most this many of each are named: ~40 entries keep the annotation a few KB, far below the 256 KB Kubernetes allows for all of them. */
export const MAX_DISTURBED = 40;

export const NOTHING_DISTURBED: Disturbed = { workloads: [], budgets: [], omitted: 0, settled: null };

export const workloadKey = (w: WorkloadRef): string => `${w.kind}/${w.namespace}/${w.name}`;
export const budgetKey = (b: BudgetRef): string => `${b.namespace}/${b.name}`;

/** `base` plus `workloads` and `budgets`, each deduplicated and capped; what does not fit is counted in `omitted`. */
export function withDisturbance(base: Disturbed, workloads: Iterable<WorkloadRef>, budgets: Iterable<BudgetRef>): Disturbed {
  const w = capped(base.workloads, workloads, workloadKey);
  const b = capped(base.budgets, budgets, budgetKey);
  return { workloads: w.kept, budgets: b.kept, omitted: base.omitted + w.dropped + b.dropped, settled: base.settled };
}

function capped<T>(base: readonly T[], more: Iterable<T>, key: (x: T) => string): { kept: T[]; dropped: number } {
  const seen = new Set(base.map(key));
  const kept = [...base];
  let dropped = 0;
  for (const x of more) {
    const k = key(x);
    if (seen.has(k)) continue;
    seen.add(k);
    if (kept.length < MAX_DISTURBED) kept.push(x);
    else dropped += 1;
  }
  return { kept, dropped };
}

export function encodeDisturbed(d: Disturbed): string {
  return JSON.stringify({ workloads: d.workloads, budgets: d.budgets, omitted: d.omitted, settled: d.settled });
}

const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** The record in the annotation; undefined when absent or unreadable (written by hand or by another version). */
export function decodeDisturbed(raw: string | undefined): Disturbed | undefined {
  if (!raw) return undefined;
  let o: Partial<Record<keyof Disturbed, unknown>>;
  try {
    o = JSON.parse(raw) as typeof o;
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null) return undefined;
  const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : []);
  const workloads = list(o.workloads).flatMap((w) => (isText(w.kind) && isText(w.namespace) && isText(w.name) ? [{ kind: w.kind, namespace: w.namespace, name: w.name }] : []));
  const budgets = list(o.budgets).flatMap((b) => (isText(b.namespace) && isText(b.name) ? [{ namespace: b.namespace, name: b.name }] : []));
  const s = o.settled as Partial<Settled> | null | undefined;
  const settled = s && typeof s === 'object' && isText(s.at) && (s.by === 'whole' || s.by === 'timeout') ? { at: s.at, by: s.by } : null;
  const omitted = typeof o.omitted === 'number' && Number.isInteger(o.omitted) && o.omitted > 0 ? o.omitted : 0;
  return { workloads, budgets, omitted, settled };
}

/** How a drain names what a pod belongs to; answers from caches only (never an API read per pod). */
export interface DisturbanceLookup {
  /** The workload behind a pod's controller, e.g. a ReplicaSet's Deployment; `ref` itself when nothing more is known. */
  workloadOf(ref: WorkloadRef): WorkloadRef;
  /** The PodDisruptionBudgets in `namespace` whose selector matches `labels`. */
  budgetsOf(namespace: string, labels: Readonly<Record<string, string>>): BudgetRef[];
}

/** Without the health gate's caches: the controller as the pod names it, and no budgets. */
export const POD_OWNERS_ONLY: DisturbanceLookup = { workloadOf: (ref) => ref, budgetsOf: () => [] };
