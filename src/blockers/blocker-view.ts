// Blockers as plain data for the status page and its JSON: what each one matched and whether it blocks.
import type { AlertPoller, AlertStatus } from './alert-poller.js';
import { alertMessage, podsMessage, shownUrl } from './describe.js';
import type { PodWatch } from './pod-watch.js';

/** How many pods or alerts a view lists; the counts say how many there are in all. */
const LISTED = 20;

export interface PodBlockerView {
  readonly kind: 'pods';
  readonly name: string;
  /** Unset: every namespace. */
  readonly namespace?: string;
  readonly scope: 'cluster' | 'node';
  /** The label selector as the API server is asked it. */
  readonly selector: string;
  /** The first list has answered; until then the blocker blocks. */
  readonly synced: boolean;
  /** Blocks some claim now: scope Cluster, every claim; scope Node, claims from `pods[].nodeName`. */
  readonly blocking: boolean;
  readonly pods: readonly { readonly namespace: string; readonly name: string; readonly nodeName: string; readonly phase: string }[];
  readonly podCount: number;
  /** While blocking: why, as a refusal says it (`pods "backups": backup/nightly on node-3`). */
  readonly message?: string;
  /** The last failure to list or watch (retried), with when (ms since the epoch). */
  readonly error?: string;
  readonly errorAt?: number;
}

export interface AlertBlockerView {
  readonly kind: 'alerts';
  readonly name: string;
  readonly api: 'prometheus' | 'alertmanager';
  /** Without credentials, query or fragment. */
  readonly url: string;
  readonly onError: 'block' | 'proceed';
  readonly status: AlertStatus;
  readonly blocking: boolean;
  readonly alerts: readonly { readonly labels: Readonly<Record<string, string>> }[];
  readonly alertCount: number;
  /** While blocking: why, as a refusal says it (the alerts, or the failure and `onError Block`). */
  readonly message?: string;
  /** Last answer or failure (ms since the epoch). */
  readonly checkedAt?: number;
  readonly error?: string;
}

export type BlockerView = PodBlockerView | AlertBlockerView;

export function podBlockerView(w: PodWatch): PodBlockerView {
  const pods = w.pods.blocking();
  const blocking = !w.synced || pods.length > 0;
  return {
    kind: 'pods',
    name: w.blocker.name,
    ...(w.blocker.namespace ? { namespace: w.blocker.namespace } : {}),
    scope: w.blocker.scope,
    selector: w.labelSelector,
    synced: w.synced,
    blocking,
    pods: pods.slice(0, LISTED).map(({ namespace, name, nodeName, phase }) => ({ namespace, name, nodeName, phase })),
    podCount: pods.length,
    ...(blocking ? { message: podsMessage(w.blocker.name, w.synced, pods) } : {}),
    ...(w.lastError ? { error: w.lastError.message, errorAt: w.lastError.at } : {}),
  };
}

export function alertBlockerView(p: AlertPoller): AlertBlockerView {
  const { blocker, state } = p;
  const message = alertMessage(blocker, state);
  return {
    kind: 'alerts',
    name: blocker.name,
    api: blocker.api,
    url: shownUrl(blocker.url),
    onError: blocker.onError,
    status: state.status,
    blocking: state.blocks,
    alerts: state.matching.slice(0, LISTED).map((a) => ({ labels: { ...a.labels } })),
    alertCount: state.matching.length,
    ...(message !== undefined ? { message } : {}),
    ...(state.checkedAt !== undefined ? { checkedAt: state.checkedAt } : {}),
    ...(state.error !== undefined ? { error: state.error } : {}),
  };
}
