// Watch-fed caches of Deployments, StatefulSets, ReplicaSets and PodDisruptionBudgets for the health gate:
// started only while the gate is on, so a cluster without it pays for none of these watches.
import type { Clock } from '../clock/clock.js';
import type { Collection, KubeApi } from './api.js';
import type { KubeError } from './errors.js';
import { Reflector } from './reflector.js';
import { budgetSelects, sameBudget, sameWorkload, toBudgetView, toWorkloadView, type BudgetView, type WorkloadView } from './workload-views.js';

export type { BudgetView, WorkloadView } from './workload-views.js';

export interface WorkloadCacheOptions {
  readonly onError?: (err: KubeError) => void;
  readonly random?: () => number;
  /** Items per list page. */
  readonly pageSize?: number;
}

const key = (o: { namespace: string; name: string }): string => `${o.namespace}/${o.name}`;

const WORKLOAD_COLLECTIONS = { Deployment: 'deployments', StatefulSet: 'statefulsets', ReplicaSet: 'replicasets' } as const satisfies Record<WorkloadView['kind'], Collection>;

/** The budgets, also indexed by namespace: a drain asks which budgets select a pod, once per pod. */
class Budgets extends Reflector<BudgetView> {
  private readonly byNamespace = new Map<string, Map<string, BudgetView>>();

  constructor(api: KubeApi, clock: Clock, o: WorkloadCacheOptions) {
    super({ what: 'poddisruptionbudgets', api, clock, collection: 'poddisruptionbudgets', pageSize: o.pageSize ?? 500, transform: toBudgetView, keyOf: key, equal: sameBudget, ...options(o) });
    this.on((e) => {
      if (e.type !== 'added') this.byNamespace.get(e.previous.namespace)?.delete(e.previous.name);
      if (e.type === 'deleted') return;
      let names = this.byNamespace.get(e.current.namespace);
      if (!names) this.byNamespace.set(e.current.namespace, (names = new Map<string, BudgetView>()));
      names.set(e.current.name, e.current);
    });
  }

  selecting(namespace: string, labels: Readonly<Record<string, string>>): BudgetView[] {
    return [...(this.byNamespace.get(namespace)?.values() ?? [])].filter((b) => budgetSelects(b.selector, labels));
  }
}

function options(o: WorkloadCacheOptions): { onError?: (err: KubeError) => void; random?: () => number } {
  return { ...(o.onError ? { onError: o.onError } : {}), ...(o.random ? { random: o.random } : {}) };
}

/** The four caches, made afresh at each start: stopped caches hold nothing stale that could pass for current. */
interface Caches {
  readonly workloads: Record<WorkloadView['kind'], Reflector<WorkloadView>>;
  readonly budgets: Budgets;
}

export class WorkloadCaches {
  private caches: Caches | undefined;

  constructor(
    private readonly api: KubeApi,
    private readonly clock: Clock,
    private readonly o: WorkloadCacheOptions = {},
  ) {}

  private create(): Caches {
    const { api, clock, o } = this;
    const cache = (kind: WorkloadView['kind']): Reflector<WorkloadView> =>
      new Reflector<WorkloadView>({
        what: WORKLOAD_COLLECTIONS[kind],
        api,
        clock,
        collection: WORKLOAD_COLLECTIONS[kind],
        pageSize: o.pageSize ?? 500,
        transform: (raw) => toWorkloadView(kind, raw),
        keyOf: key,
        equal: sameWorkload,
        ...options(o),
      });
    return { workloads: { Deployment: cache('Deployment'), StatefulSet: cache('StatefulSet'), ReplicaSet: cache('ReplicaSet') }, budgets: new Budgets(api, clock, o) };
  }

  private all(): Pick<Reflector<unknown>, 'start' | 'stop' | 'synced' | 'whenSynced'>[] {
    return this.caches ? [...Object.values(this.caches.workloads), this.caches.budgets] : [];
  }

  get running(): boolean {
    return this.caches !== undefined;
  }

  /** Running, and every cache has listed once. */
  get synced(): boolean {
    return this.caches !== undefined && this.all().every((r) => r.synced);
  }

  /** Resolves once running caches have all listed (at once when stopped). */
  whenSynced(): Promise<void> {
    return Promise.all(this.all().map((r) => r.whenSynced())).then(() => undefined);
  }

  start(): void {
    if (this.caches) return;
    this.caches = this.create();
    for (const r of this.all()) r.start();
  }

  stop(): void {
    for (const r of this.all()) r.stop();
    this.caches = undefined;
  }

  workload(kind: string, namespace: string, name: string): WorkloadView | undefined {
    const caches = this.caches?.workloads;
    return caches && Object.hasOwn(caches, kind) ? caches[kind as WorkloadView['kind']].get(`${namespace}/${name}`) : undefined;
  }

  budget(namespace: string, name: string): BudgetView | undefined {
    return this.caches?.budgets.get(`${namespace}/${name}`);
  }

  /** The budgets in `namespace` whose selector picks a pod with `labels`. */
  budgetsSelecting(namespace: string, labels: Readonly<Record<string, string>>): BudgetView[] {
    return this.caches?.budgets.selecting(namespace, labels) ?? [];
  }
}
