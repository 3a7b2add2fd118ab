// Public face of draining: the NodePreparer that cordons and drains, and its options.
export { Drainer, type DrainerDeps } from './drainer.js';
export type { DrainOptions, DrainTimeoutPolicy } from './options.js';
export type { NodePreparer, Preparation } from './preparer.js';
export { classifyPod, mustLeave, type PodClass, type UnmanagedPodPolicy } from './classify.js';
