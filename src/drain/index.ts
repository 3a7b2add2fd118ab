// Public face of draining: the NodePreparer that cordons and drains, and its options.
export { Drainer, type DrainerDeps } from './drainer.js';
export { DEFAULT_DRAIN_OPTIONS, type DrainOptions, type DrainTimeoutPolicy } from './options.js';
export { classifyPod, mustLeave, type PodClass, type UnmanagedPodPolicy } from './classify.js';
