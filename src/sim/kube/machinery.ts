// The cluster behind any front (HTTP or in-process): store, graceful deleter, budget and replacement controllers.
import type { Clock } from '../../clock/clock.js';
import { systemClock } from '../../clock/clock.js';
import type { ControllerOptions } from './controllers.js';
import { Controllers } from './controllers.js';
import { Deleter } from './deletion.js';
import { startPdbController } from './pdb.js';
import { startWorkloadStatusController } from './workload-status.js';
import { typeByName } from './resources.js';
import type { SimStore } from './sim-store.js';
import { createSimStore } from './sim-store.js';
import { ObjectStore } from './store.js';
import { randomIds, seededIds } from './util.js';

export interface MachineryOptions {
  /** Every timestamp, grace period and controller delay is read from it; default the system clock. */
  clock?: Clock;
  /** Draws new uids and name suffixes (a seeded simulation passes its own); default crypto-random. */
  random?: () => number;
  /** Watch events kept per resource type before a watch from an older RV gets 410; default 10000. */
  historyLimit?: number;
  /** Clock ms per second of a pod's termination grace period (scaled time); default 1. */
  graceMsPerSecond?: number;
  /** Clock ms before the disruption controller recomputes budgets after a change; default 0 (the next timer turn). */
  pdbSyncDelayMs?: number;
  /** Clock ms before ReplicaSet, StatefulSet and Deployment status is recomputed after a change; default 0 (the next timer turn). */
  workloadSyncDelayMs?: number;
  /** Replacement of evicted ReplicaSet/StatefulSet pods; off by default. */
  controllers?: ControllerOptions;
}

export interface Machinery {
  readonly store: ObjectStore;
  readonly deleter: Deleter;
  /** The in-process face tests and the demo seed and inspect the cluster through. */
  readonly simStore: SimStore;
  /** Stops the controllers and cancels pending pod terminations. */
  close(): void;
}

/** Namespaces every cluster starts with, as startKubeSim always served them. */
export const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'reboot-manager'];

export function startMachinery(opts: MachineryOptions = {}): Machinery {
  const store = new ObjectStore(opts.historyLimit ?? 10000, opts.clock ?? systemClock, opts.random ? seededIds(opts.random) : randomIds);
  const deleter = new Deleter(store, opts.graceMsPerSecond ?? 1);
  const stopPdb = startPdbController(store, opts.pdbSyncDelayMs ?? 0);
  const stopWorkloads = startWorkloadStatusController(store, opts.workloadSyncDelayMs ?? 0);
  const controllers = new Controllers(store, opts.controllers ?? {});
  const simStore = createSimStore(store, deleter);
  for (const name of DEFAULT_NAMESPACES) {
    store.create(typeByName('namespaces'), { metadata: { name, labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  }
  return {
    store,
    deleter,
    simStore,
    close: () => {
      controllers.close();
      stopPdb();
      stopWorkloads();
      deleter.close();
    },
  };
}
