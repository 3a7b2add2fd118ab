// An in-process cluster: the simulator's machinery without HTTP, RBAC or auth, with one API view per client.
import type { Clock } from '../../clock/clock.js';
import type { StopWatch } from '../../kube/api.js';
import type { MachineryOptions } from './machinery.js';
import { startMachinery } from './machinery.js';
import type { ApiFaults } from './memory-faults.js';
import { noFaults } from './memory-faults.js';
import type { MemoryApiContext } from './memory-kube-api.js';
import { MemoryKubeApi } from './memory-kube-api.js';
import type { SimStore } from './sim-store.js';

export type MemoryClusterOptions = MachineryOptions;

export interface MemoryApiOptions {
  /** Consulted on every call and watch event of this view; default none. */
  faults?: ApiFaults;
  /** What the view reports as `origin`, e.g. to tell replicas apart in logs; default memory://kube-sim. */
  origin?: string;
}

export interface MemoryCluster {
  readonly clock: Clock;
  /** Seed and inspect the cluster exactly as with the HTTP simulator's `store`. */
  readonly store: SimStore;
  /** A new client view over the shared cluster (one per reboot-manager replica), with its own faults. */
  api(opts?: MemoryApiOptions): MemoryKubeApi;
  /** Watches open across every view, for tests that wait for a client to be watching. */
  openWatches(): number;
  /** Stops the machinery and every watch without calling their `onDone`; later calls fail 'unavailable'. Until then the process stays alive. */
  close(): void;
}

export function createMemoryCluster(opts: MemoryClusterOptions = {}): MemoryCluster {
  const machinery = startMachinery(opts);
  const { store, deleter, simStore } = machinery;
  const open = new Set<StopWatch>();
  let closed = false;
  // An open cluster keeps the process alive, as the HTTP simulator's listening socket does: clock timers never do.
  const keepAlive = new MessageChannel();
  keepAlive.port1.on('message', () => {});
  const ctx: MemoryApiContext = { store, deleter, clock: store.clock, open, isClosed: () => closed };
  return {
    clock: store.clock,
    store: simStore,
    api: (o = {}) => new MemoryKubeApi(ctx, o.faults ?? noFaults, o.origin),
    openWatches: () => open.size,
    close: () => {
      if (closed) return;
      closed = true;
      for (const stop of [...open]) stop();
      machinery.close();
      keepAlive.port1.close();
    },
  };
}
