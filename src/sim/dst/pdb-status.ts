// How many pods each PodDisruptionBudget has healthy and needs, as the simulator's disruption controller last wrote it.
import type { SimStore } from '../kube/sim-store.js';
import type { PdbObject } from '../kube/types.js';

export interface BudgetHealth {
  readonly name: string;
  readonly healthy: number;
  readonly desired: number;
}

export function budgetHealth(store: SimStore): BudgetHealth[] {
  return store.list('poddisruptionbudgets').map((o) => {
    const pdb = o as PdbObject;
    return { name: `${pdb.metadata.namespace ?? ''}/${pdb.metadata.name ?? ''}`, healthy: pdb.status?.currentHealthy ?? 0, desired: pdb.status?.desiredHealthy ?? 0 };
  });
}
