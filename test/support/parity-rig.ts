// Set-up for the parity e2e suites: one real control plane per file, a fresh simulator per case, both sides' stores.
import type { Test } from 'tap';
import type { ControlPlane } from '../../kit/control-plane.js';
import { startControlPlane } from '../../kit/control-plane.js';
import type { KubeSimOptions } from '../../src/sim/kube/index.js';
import { startKubeSim } from '../../src/sim/kube/index.js';
import type { RealContractStore } from './admin-contract-store.js';
import { adminContractStore } from './admin-contract-store.js';
import type { ContractStore } from './contract-store.js';
import { simContractStore } from './contract-store.js';
import type { Side } from './parity-sides.js';
import { realSide, simSide } from './parity-sides.js';

export interface ParityPlane {
  readonly plane: ControlPlane;
  readonly real: Side;
  readonly realStore: RealContractStore;
  /** A fresh simulator for one case, and an empty real cluster to go with it. */
  fresh(t: Test, opts?: KubeSimOptions): Promise<{ sim: Side & { tokenOf: ReturnType<typeof simSide>['tokenOf'] }; simStore: ContractStore }>;
}

/**
 * No kubelets (kwok off). Node watches bypass the watch cache (`nodes#0`) so that an etcd compaction makes an old
 * version too old, as the cache's window running out does on a long-lived cluster.
 */
export async function startParityPlane(t: Test): Promise<ParityPlane> {
  const plane = await startControlPlane({ kwok: false, apiserverArgs: ['--watch-cache-sizes=nodes#0'] });
  t.teardown(() => plane.stop());
  const real = realSide(plane);
  t.teardown(() => real.close());
  const realStore = adminContractStore(plane);
  t.teardown(() => realStore.close());
  await plane.admin.ok('POST', '/api/v1/namespaces', { metadata: { name: 'reboot-manager' } });
  return {
    plane,
    real,
    realStore,
    fresh: async (t, opts = {}) => {
      await realStore.reset();
      const kube = await startKubeSim(opts);
      t.teardown(() => kube.close());
      const sim = simSide(kube);
      t.teardown(() => sim.close());
      return { sim, simStore: simContractStore(kube.store) };
    },
  };
}
