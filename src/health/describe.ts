// The health gate in words: what a release still misses, for the refusal, the Event, the log and the status page.
import { formatDuration } from '../slot/progress-text.js';
import type { Assessment, Missing, Release } from './assess.js';

/** Named one by one up to this many, then "and N more". */
const MAX_NAMED = 3;

/** Whole seconds and up (`0s`, `1m30s`): the gate's times come from clocks that disagree by more than a millisecond anyway. */
const duration = (ms: number): string => (ms < 1000 ? '0s' : formatDuration(ms));

export function describeMissing(m: Missing, node: string): string {
  switch (m.kind) {
    case 'workload':
      return m.behind ? `${m.workload.kind} ${m.workload.namespace}/${m.workload.name} (its controller has not caught up yet)` : `${m.workload.kind} ${m.workload.namespace}/${m.workload.name} (${m.ready}/${m.replicas} ready)`;
    case 'budget':
      return m.behind ? `PodDisruptionBudget ${m.budget.namespace}/${m.budget.name} (not computed yet)` : `PodDisruptionBudget ${m.budget.namespace}/${m.budget.name} (${m.healthy}/${m.expected} healthy)`;
    case 'statuses-unknown':
      return 'the workload watches (not listed yet)';
    case 'node-not-ready':
      return `node ${node} to be Ready`;
    case 'node-ready-for':
      return `node ${node} Ready for ${duration(m.needMs)} (${duration(m.readyForMs)} so far)`;
  }
}

/** `a, b, c and 2 more`. */
export function listMissing(missing: readonly Missing[], node: string): string {
  const shown = missing.slice(0, MAX_NAMED).map((m) => describeMissing(m, node)).join(', ');
  return missing.length > MAX_NAMED ? `${shown} and ${missing.length - MAX_NAMED} more` : shown;
}

/** The refusal's sentence for one release, e.g. `node-a released 2m ago: waiting for Deployment shop/web (2/3 ready); gives up in 8m`. */
export function describeWait(release: Release, a: Assessment, onTimeout: 'proceed' | 'block', now: number): string {
  const head = `${release.node.name} released ${duration(now - release.at)} ago: waiting for ${listMissing(a.missing, release.node.name)}`;
  const unrecorded = release.disturbed && release.disturbed.omitted > 0 ? ` (${release.disturbed.omitted} more not recorded)` : '';
  if (!a.timedOut) return `${head}${unrecorded}; ${onTimeout === 'proceed' ? 'gives up' : 'times out'} in ${duration(a.timeoutAt - now)}${onTimeout === 'block' ? ', then keeps blocking (onTimeout Block)' : ''}`;
  return `${head}${unrecorded}; timed out ${duration(now - a.timeoutAt)} ago, still blocking (onTimeout Block)`;
}

/** The HealthGateTimeout Event: the gate gave up on a release and lets claims proceed. */
export function describeTimeout(release: Release, a: Assessment, timeoutMs: number): string {
  return `Health gate gave up after ${duration(timeoutMs)}: claims proceed while still waiting for ${listMissing(a.missing, release.node.name)} (onTimeout Proceed)`;
}
