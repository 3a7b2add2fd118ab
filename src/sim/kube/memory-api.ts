// Public face of the in-process Kubernetes API: a MemoryCluster and its MemoryKubeApi views, for fast tests and
// the deterministic simulation. Same rules as the HTTP simulator (its handlers, store and watch rules); every
// answer and watch event arrives later through the cluster's clock, so under a VirtualClock nothing happens
// until the driver advances it.
export type { MemoryApiOptions, MemoryCluster, MemoryClusterOptions } from './memory-cluster.js';
export { createMemoryCluster } from './memory-cluster.js';
export type { ApiCall, ApiFaults, ApiVerb, CallFault, WatchEventFault } from './memory-faults.js';
export { faultErrors, noFaults } from './memory-faults.js';
export { MemoryKubeApi } from './memory-kube-api.js';
