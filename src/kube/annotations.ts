// Every piece of state reboot-manager keeps lives in these Node annotations, so any replica can rebuild it.
export const ANNOTATION_PREFIX = 'rebootmanager/';

export const Annotation = {
  /** The lock: `Rebooting` exactly while the node holds a reboot slot, else `Ready`. */
  status: 'rebootmanager/status',
  /** FleetLock group the slot was taken in. */
  group: 'rebootmanager/group',
  /** FleetLock id the node asked with (for operators and logs). */
  id: 'rebootmanager/id',
  /** When the slot was taken (RFC 3339). */
  claimedAt: 'rebootmanager/claimed-at',
  /** `status.nodeInfo.bootID` when the slot was taken: a different one proves the reboot happened. */
  bootId: 'rebootmanager/boot-id',
  /** `claimed` -> `draining` -> `drained`; a pre-reboot is answered 200 only when `drained`. */
  phase: 'rebootmanager/phase',
  /** `true` when this server set `spec.unschedulable`; only then does it uncordon. */
  cordoned: 'rebootmanager/cordoned',
  /** Set when the holder sent steady-state before it was Ready: release once it is. */
  releaseRequested: 'rebootmanager/release-requested',
  /** When reboot-manager last released this node's slot (RFC 3339); kept after the release for --settle-time. */
  releasedAt: 'rebootmanager/released-at',
  /** Human-readable drain progress, e.g. `3/7 pods evicted; waiting on PodDisruptionBudget shop/web`. */
  drain: 'rebootmanager/drain',
} as const;

export const STATUS_REBOOTING = 'Rebooting';
export const STATUS_READY = 'Ready';

export type Phase = 'claimed' | 'draining' | 'drained';

export function parsePhase(value: string | undefined): Phase {
  return value === 'draining' || value === 'drained' ? value : 'claimed';
}
