// The reboot slot, the product: who holds it, in which group, since when, at which phase, and why it ends.

export type Phase = 'claimed' | 'draining' | 'drained';

/** What happens once a drain has run longer than its timeout. */
export type DrainTimeoutPolicy =
  /** Keep evicting and keep refusing the reboot; the progress says it timed out and what blocks. */
  | 'refuse'
  /** Delete the remaining pods with their grace period, bypassing PodDisruptionBudgets. */
  | 'delete'
  /** Report the node drained with the pods still on it. */
  | 'grant';

/** How far a drain has come, as data: written to the Node, read back by a new leader and the status page. */
export interface DrainProgress {
  /** Pods that had to leave and are gone. */
  readonly evicted: number;
  /** Pods that had to leave, gone or not. */
  readonly total: number;
  readonly terminating: number;
  /** Distinct reasons pods cannot be evicted yet, e.g. `PodDisruptionBudget shop/web`. */
  readonly blockers: readonly string[];
  /** This server's own pod waits for every other pod. */
  readonly ownPodLast: boolean;
  readonly timedOut: { readonly afterMs: number; readonly policy: DrainTimeoutPolicy } | null;
  /** `drained`: every pod gone; `granted`: the timeout policy `grant` gave up with pods left; null while running. */
  readonly done: 'drained' | 'granted' | null;
  /** When `done` was reached (RFC 3339); absent while running and in records of older versions. */
  readonly doneAt?: string;
  /** Each blocker this drain met and when, oldest first (bounded): the history's "what blocked and for how long". */
  readonly blocked?: readonly BlockedSpan[];
}

/** A blocker of a drain, from when it was first seen until it cleared (null while it still blocks). */
export interface BlockedSpan {
  readonly what: string;
  readonly from: string;
  readonly to: string | null;
}

/** Why a slot ended: a small fixed set, a metric label and the history's word. */
export type ReleaseReason = 'rebooted' | 'steady_state' | 'withdrawn' | 'window_closed' | 'manual' | 'node_deleted' | 'request_completed' | 'request_expired' | 'request_deleted';

/** Who holds the slot: a FleetLock client (Zincati, the Azure agent) or a MaintenanceRequest. */
export type SlotSource =
  | { readonly kind: 'fleetlock' }
  /** `uid` pins the object: a request re-created under the same name does not inherit the slot. */
  | { readonly kind: 'request'; readonly name: string; readonly uid: string; readonly drain: boolean };

export const FLEETLOCK: SlotSource = { kind: 'fleetlock' };

/** A node's reboot slot; a node holds one exactly when its lock annotation says `Rebooting`. */
export interface Slot {
  readonly source: SlotSource;
  /** FleetLock group the slot was taken in. */
  readonly group: string;
  /** FleetLock id the node asked with ('' for a request). */
  readonly id: string;
  /** This claim's unique token: a retried write recognises its own claim by it. */
  readonly claim: string;
  readonly phase: Phase;
  /** When the slot was taken (RFC 3339). */
  readonly claimedAt: string;
  /** `status.nodeInfo.bootID` when the slot was taken: a different one proves the reboot happened. */
  readonly bootId: string;
  /** This server set `spec.unschedulable`; only then does it uncordon. */
  readonly cordonedByUs: boolean;
  /** When the holder said steady-state before the release could be judged (RFC 3339), else null. */
  readonly releaseRequestedAt: string | null;
  readonly drain: DrainProgress | null;
}

export const NO_PROGRESS: DrainProgress = { evicted: 0, total: 0, terminating: 0, blockers: [], ownPodLast: false, timedOut: null, done: null };
