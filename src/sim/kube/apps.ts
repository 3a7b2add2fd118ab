// Applications in the simulator as the real controllers shape them: a Deployment owning a ReplicaSet owning pods,
// a StatefulSet owning pods, each with a PodDisruptionBudget when asked. Tests and the demo seed clusters with them.
import type { Clock } from '../../clock/clock.js';
import { makePdb, makePod, makeWorkload } from './fixtures.js';
import type { SimStore } from './sim-store.js';
import type { KubeObject, PodObject } from './types.js';

export interface App {
  readonly workload: KubeObject;
  readonly replicaSet: KubeObject | undefined;
  readonly pods: PodObject[];
}

export interface AppOptions {
  readonly namespace: string;
  readonly name: string;
  /** One pod on each, in order (a node listed twice gets two). */
  readonly nodes: readonly string[];
  /** A PodDisruptionBudget of the same name selecting the app's pods. */
  readonly minAvailable?: number;
  readonly clock?: Clock;
  readonly grace?: number;
}

function pods(store: SimStore, o: AppOptions, owner: KubeObject, name: (i: number) => string): PodObject[] {
  return o.nodes.map((node, i) =>
    store.createPod(
      makePod({ namespace: o.namespace, name: name(i), nodeName: node, owner: { kind: owner.kind ?? '', name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '' }, labels: { app: o.name }, terminationGracePeriodSeconds: o.grace ?? 30, ...(o.clock ? { clock: o.clock } : {}) }),
    ),
  );
}

function budget(store: SimStore, o: AppOptions): void {
  if (o.minAvailable !== undefined) store.createPdb(makePdb({ namespace: o.namespace, name: o.name, selector: { app: o.name }, minAvailable: o.minAvailable }));
}

export function addDeployment(store: SimStore, o: AppOptions): App {
  const labels = { app: o.name };
  const replicas = o.nodes.length;
  const workload = store.create('deployments', makeWorkload({ kind: 'Deployment', namespace: o.namespace, name: o.name, replicas, labels }));
  const rsName = `${o.name}-7d9f8b6c5`;
  const replicaSet = store.create('replicasets', makeWorkload({ kind: 'ReplicaSet', namespace: o.namespace, name: rsName, replicas, labels, owner: { kind: 'Deployment', name: o.name, uid: workload.metadata.uid ?? '' } }));
  const created = pods(store, o, replicaSet, (i) => `${rsName}-${i}`);
  budget(store, o);
  return { workload, replicaSet, pods: created };
}

export function addStatefulSet(store: SimStore, o: AppOptions): App {
  const workload = store.create('statefulsets', makeWorkload({ kind: 'StatefulSet', namespace: o.namespace, name: o.name, replicas: o.nodes.length, labels: { app: o.name } }));
  const created = pods(store, o, workload, (i) => `${o.name}-${i}`);
  budget(store, o);
  return { workload, replicaSet: undefined, pods: created };
}
