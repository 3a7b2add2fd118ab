// Blockers in words: the short names of what blocks, for refusals, logs and the status page.
import type { BlockingPodView } from '../kube/blocking-pods.js';
import type { LabelSelector } from '../slot/label-selector.js';
import { urlForLogs } from '../logging/safe-url.js';
import type { AlertBlocker } from '../policy/blockers.js';
import type { AlertApi, AlertState, FiringAlert } from './alert-answers.js';

/** How many pods or alerts a message names before "and N more". */
export const NAMED_IN_MESSAGE = 3;

/** `a, b, c and 2 more`. */
export function someOf(names: readonly string[], max = NAMED_IN_MESSAGE): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** `backup/nightly-x on node-3`, or `(not scheduled)` for a pod without a node yet. */
export function describePod(pod: BlockingPodView): string {
  return `${pod.namespace}/${pod.name} ${pod.nodeName ? `on ${pod.nodeName}` : '(not scheduled)'}`;
}

/**
 * `KubePodCrashLooping{namespace=shop}`: the alert's name, then its labels the selector does not pin to one
 * value (those say nothing new), sorted.
 */
export function describeAlert(alert: FiringAlert, selector: LabelSelector): string {
  const pinned = new Set(Object.keys(selector.matchLabels ?? {}));
  for (const r of selector.matchExpressions ?? []) if (r.operator === 'In' && r.values?.length === 1) pinned.add(r.key);
  const rest = Object.entries(alert.labels)
    .filter(([k]) => k !== 'alertname' && !pinned.has(k))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v.length > 64 ? `${v.slice(0, 61)}...` : v}`);
  const name = alert.labels.alertname ?? '(no alertname)';
  return rest.length > 0 ? `${name}{${rest.join(',')}}` : name;
}

export const onErrorWord = (onError: 'block' | 'proceed'): string => (onError === 'block' ? 'onError Block' : 'onError Proceed');

/** The base URL as shown: no credentials, query or fragment (the parser refuses them; this makes sure), no trailing slash. */
export const shownUrl = (url: string): string => urlForLogs(url).replace(/\/$/, '');

/** `Prometheus at http://prometheus.monitoring:9090`. */
export const describeServer = (api: AlertApi, url: string): string => `${api === 'prometheus' ? 'Prometheus' : 'Alertmanager'} at ${shownUrl(url)}`;

/** Why a pod blocker blocks: `pods "backups": backup/nightly on node-3`, or that its pods are not listed yet. */
export function podsMessage(name: string, synced: boolean, pods: readonly BlockingPodView[]): string {
  return synced ? `pods "${name}": ${someOf(pods.map(describePod))}` : `pods "${name}": not listed yet`;
}

/** Why an alert blocker blocks, or undefined when it does not: the matching alerts, or the failure and what onError does. */
export function alertMessage(blocker: AlertBlocker, state: AlertState): string | undefined {
  if (!state.blocks) return undefined;
  const server = describeServer(blocker.api, blocker.url);
  const what =
    state.status === 'firing'
      ? someOf(state.matching.map((a) => describeAlert(a, blocker.matchers)))
      : state.status === 'error'
        ? `${state.error ?? `${server} failed`} (${onErrorWord(blocker.onError)})`
        : `${server} has not answered yet (${onErrorWord(blocker.onError)})`;
  return `alerts "${blocker.name}": ${what}`;
}
