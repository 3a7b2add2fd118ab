// PodDisruptionBudget status, computed after the fact like the disruption controller: on a clock timer after each change.
import type { CancelTimer } from '../../clock/clock.js';
import { controllerOf, podReady, podTerminating } from './objects.js';
import { labelSelectorMatches } from './selectors.js';
import type { ObjectStore, StoreChange } from './store.js';
import { typeByName } from './resources.js';
import type { Condition, KubeObject, PdbObject } from './types.js';
import { nowTime } from './util.js';

const PODS = typeByName('pods');
const PDBS = typeByName('poddisruptionbudgets');
/** The disruption controller forgets a disrupted pod that is still there after two minutes. */
const DISRUPTION_TIMEOUT_MS = 2 * 60 * 1000;

/** The status a budget is created with: the API server resets it; observedGeneration stays unset until the controller looks. */
export const EMPTY_PDB_STATUS = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };

function scaled(v: number | string, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  return Number(v) || 0;
}

export function pdbPods(store: ObjectStore, pdb: PdbObject): readonly KubeObject[] {
  return store.scan(PODS, pdb.metadata.namespace).filter((p) => labelSelectorMatches(pdb.spec.selector, p.metadata.labels));
}

/** Expected pods: the scale of the pods' controllers when known, else one per pod. */
function expectedPods(store: ObjectStore, pdb: PdbObject, pods: readonly KubeObject[]): number {
  if (typeof pdb.spec.minAvailable === 'number') return pods.length;
  const seen = new Set<string>();
  let total = 0;
  for (const p of pods) {
    const ref = controllerOf(p);
    const kind = ref?.kind;
    const ctrlType = kind === 'ReplicaSet' || kind === 'StatefulSet' || kind === 'Deployment' ? typeByName(kind) : undefined;
    const ctrl = ref && ctrlType ? store.get(ctrlType, p.metadata.namespace, ref.name) : undefined;
    const replicas = ctrl?.spec?.replicas;
    if (ref && ctrl && typeof replicas === 'number') {
      if (!seen.has(ref.uid)) total += replicas;
      seen.add(ref.uid);
    } else total += 1;
  }
  return total;
}

/** Pods the API server marked disrupted that still exist, are not terminating and were marked under two minutes ago. */
function stillDisrupted(store: ObjectStore, pdb: PdbObject, pods: readonly KubeObject[]): Record<string, string> {
  const live = new Set(pods.filter((p) => !podTerminating(p)).map((p) => p.metadata.name ?? ''));
  const now = store.clock.now();
  return Object.fromEntries(Object.entries(pdb.status?.disruptedPods ?? {}).filter(([n, at]) => live.has(n) && now - Date.parse(at) < DISRUPTION_TIMEOUT_MS));
}

function allowedCondition(pdb: PdbObject, allowed: boolean, now: string): Condition {
  const old = ((pdb.status?.conditions ?? []) as Condition[]).find((c) => c.type === 'DisruptionAllowed');
  const status = allowed ? 'True' : 'False';
  const since = old?.status === status ? (old.lastTransitionTime ?? now) : now;
  return { type: 'DisruptionAllowed', status, observedGeneration: pdb.metadata.generation ?? 1, lastTransitionTime: since, reason: allowed ? 'SufficientPods' : 'InsufficientPods', message: '' };
}

export function computePdbStatus(store: ObjectStore, pdb: PdbObject): NonNullable<PdbObject['status']> {
  const pods = pdbPods(store, pdb);
  const disrupted = stillDisrupted(store, pdb, pods);
  const healthy = pods.filter((p) => podReady(p) && !podTerminating(p) && !((p.metadata.name ?? '') in disrupted)).length;
  const expected = expectedPods(store, pdb, pods);
  let desired: number;
  if (pdb.spec.maxUnavailable !== undefined) desired = Math.max(0, expected - scaled(pdb.spec.maxUnavailable, expected));
  else desired = scaled(pdb.spec.minAvailable ?? 1, expected);
  const allowed = Math.max(0, healthy - desired);
  const status: NonNullable<PdbObject['status']> = {
    ...pdb.status,
    observedGeneration: pdb.metadata.generation ?? 1,
    disruptionsAllowed: allowed,
    currentHealthy: healthy,
    desiredHealthy: desired,
    expectedPods: expected,
    conditions: [allowedCondition(pdb, allowed > 0, nowTime(store.clock))],
  };
  if (Object.keys(disrupted).length > 0) status.disruptedPods = disrupted;
  else delete status.disruptedPods;
  return status;
}

export function refreshPdbs(store: ObjectStore, namespace: string | undefined): void {
  for (const obj of store.scan(PDBS, namespace)) {
    const pdb = obj as PdbObject;
    store.update(PDBS, { ...pdb, status: computePdbStatus(store, pdb) });
  }
}

/**
 * The disruption controller: budgets of a namespace are recomputed `delayMs` after a pod or budget there changes
 * (a no-op write keeps the RV), so a budget created just now has no observedGeneration yet, as on a real cluster.
 */
export function startPdbController(store: ObjectStore, delayMs = 0): () => void {
  const dirty = new Set<string>();
  let cancel: CancelTimer | undefined;
  const sync = () => {
    cancel = undefined;
    const namespaces = [...dirty];
    dirty.clear();
    for (const ns of namespaces) refreshPdbs(store, ns);
  };
  const unsubscribe = store.subscribe((c: StoreChange) => {
    if (c.type !== PODS && c.type !== PDBS) return;
    dirty.add(c.event.object.metadata.namespace ?? '');
    cancel ??= store.clock.setTimer(delayMs, sync);
  });
  return () => {
    unsubscribe();
    cancel?.();
  };
}
