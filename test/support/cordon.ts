// The invariant every drain test ends on: no node is left cordoned by reboot-manager without a holder.
import type { Test } from 'tap';
import type { KubeSim } from '../../src/sim/kube/index.js';

/** Names of nodes that carry our cordon mark but hold no reboot slot (orphaned cordons). */
export function orphanCordons(sim: Pick<KubeSim, 'store'>): string[] {
  return sim.store
    .listNodes()
    .filter((n) => n.metadata.annotations?.['rebootmanager/cordoned'] === 'true' && n.metadata.annotations['rebootmanager/status'] !== 'Rebooting')
    .map((n) => n.metadata.name ?? '');
}

export function assertNoOrphanCordon(t: Test, sim: Pick<KubeSim, 'store'>): void {
  t.same(orphanCordons(sim), [], 'no node is left cordoned by reboot-manager without a holder');
}
