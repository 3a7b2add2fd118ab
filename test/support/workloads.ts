// Applications in the simulator (src/sim/kube/apps.ts, shared with the demo) and a look at their status.
import type { SimStore } from '../../src/sim/kube/sim-store.js';

export { addDeployment, addStatefulSet, type App, type AppOptions } from '../../src/sim/kube/apps.js';

/** `status` of a workload as the simulator's controllers last wrote it. */
export function statusOf(store: SimStore, resource: string, namespace: string, name: string): Record<string, unknown> {
  return store.get(resource, namespace, name)?.status ?? {};
}
