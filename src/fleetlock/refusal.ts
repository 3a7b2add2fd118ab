// The fixed set of refusal kinds. Zincati turns `kind` into a metric label, so this list stays small.
export const REFUSAL_STATUS = {
  /** Wrong or missing `fleet-lock-protocol` header, malformed body, invalid id or group, oversized body. */
  bad_request: 400,
  /** No FleetLock endpoint at this path or method. */
  not_found: 404,
  /** The id matches no Kubernetes Node (by Zincati app-specific id or raw machine-id). */
  unknown_id: 404,
  /** The id matches more than one Node: their kubelets report the same machine-id. */
  duplicate_id: 409,
  /** The request does not come from the node its id names (nor from that node's imds-agent pod). */
  forbidden: 403,
  /** Every reboot slot the node may use is held by other nodes. */
  slots_full: 423,
  /** The rollout policy holds new claims back (pool, zone, window, pause, blocker, health gate): `value` names every reason. */
  blocked: 423,
  /** The node holds a slot but is still being cordoned and drained. */
  draining: 423,
  /** This replica is not the elected leader; the Service should send traffic to the leader. */
  not_leader: 503,
  /** The server cannot decide now: Kubernetes API failure or cache not yet synced. */
  unavailable: 503,
} as const;

export type RefusalKind = keyof typeof REFUSAL_STATUS;

/** A FleetLock refusal, returned as a value: answered as `{"kind","value"}` with a non-2xx status. */
export class Refusal {
  readonly ok = false;

  constructor(
    readonly kind: RefusalKind,
    readonly value: string,
    readonly status: number = REFUSAL_STATUS[kind],
  ) {}
}

/** The one 2xx answer: pre-reboot granted, or steady-state done. */
export const OK = { ok: true } as const;

/** What the lock answers a FleetLock request: `OK`, or a refusal saying why not. */
export type Answer = typeof OK | Refusal;
