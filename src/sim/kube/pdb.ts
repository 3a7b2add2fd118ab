// PodDisruptionBudget status, computed from the pods like the disruption controller, kept current on every change.
import { controllerOf, podReady, podTerminating } from './objects.js';
import { labelSelectorMatches } from './selectors.js';
import type { ObjectStore, StoreChange } from './store.js';
import { typeByName } from './resources.js';
import type { KubeObject, PdbObject } from './types.js';

const PODS = typeByName('pods');
const PDBS = typeByName('poddisruptionbudgets');

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

export function computePdbStatus(store: ObjectStore, pdb: PdbObject): NonNullable<PdbObject['status']> {
  const pods = pdbPods(store, pdb);
  const names = new Set(pods.map((p) => p.metadata.name ?? ''));
  const disrupted = Object.fromEntries(Object.entries(pdb.status?.disruptedPods ?? {}).filter(([n]) => names.has(n)));
  const healthy = pods.filter((p) => podReady(p) && !podTerminating(p) && !((p.metadata.name ?? '') in disrupted)).length;
  const expected = expectedPods(store, pdb, pods);
  let desired: number;
  if (pdb.spec.maxUnavailable !== undefined) desired = Math.max(0, expected - scaled(pdb.spec.maxUnavailable, expected));
  else desired = scaled(pdb.spec.minAvailable ?? 1, expected);
  const status: NonNullable<PdbObject['status']> = {
    ...pdb.status,
    currentHealthy: healthy,
    desiredHealthy: desired,
    disruptionsAllowed: Math.max(0, healthy - desired),
    expectedPods: expected,
    observedGeneration: pdb.metadata.generation ?? 1,
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

/** Keeps every budget's status current as pods and budgets change (a no-op write keeps the RV). */
export function startPdbController(store: ObjectStore): () => void {
  return store.subscribe((c: StoreChange) => {
    if (c.type === PODS || c.type === PDBS) refreshPdbs(store, c.event.object.metadata.namespace);
  });
}
