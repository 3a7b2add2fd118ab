// A MaintenanceRequest as reboot-manager reads it: who wants which node out of service, why, and how far it has come.

/** Where a request is, as reboot-manager's leader records it in `status.phase`. */
export type RequestPhase = 'Pending' | 'Approved' | 'InProgress' | 'Completed' | 'Expired' | 'Rejected';

/** The requester's own word on its work (`spec.state`). */
export type RequesterState = 'Requested' | 'InProgress' | 'Completed';

export const TERMINAL_PHASES: ReadonlySet<RequestPhase> = new Set(['Completed', 'Expired', 'Rejected']);

/** The keys of `status.times`: each phase, and `claimed`, when it first held the node's slot (cordon and drain begin). */
export const TIME_KEYS = ['pending', 'claimed', 'approved', 'inProgress', 'completed', 'expired', 'rejected'] as const;

/** `status.times`: when the request entered each phase (RFC 3339). */
export type PhaseTimes = Partial<Record<(typeof TIME_KEYS)[number], string>>;

/** Equal times whatever the order of their keys (the API server sorts them). */
export function sameTimes(a: PhaseTimes, b: PhaseTimes): boolean {
  return TIME_KEYS.every((k) => a[k] === b[k]);
}

export interface RequestSpec {
  readonly nodeName: string;
  readonly reason: string;
  readonly requester: string;
  /** Cordon and drain before approving. */
  readonly drain: boolean;
  /** The budget group, as a FleetLock group. */
  readonly group: string;
  /** After approval, how long until the requester must have started. */
  readonly startWithinMs: number;
  /** After the start, how long the work may take. */
  readonly finishWithinMs: number;
  readonly state: RequesterState;
}

/** The status reboot-manager last wrote, as data. */
export interface RequestStatus {
  readonly phase: RequestPhase;
  readonly message: string;
  readonly times: PhaseTimes;
  /** When the finishing deadline passed and was reported (RFC 3339), else undefined. */
  readonly overrunAt?: string;
}

export interface MaintenanceRequestView {
  readonly name: string;
  readonly uid: string;
  readonly resourceVersion: string;
  readonly generation: number;
  /** ms since the epoch (the API server's clock). */
  readonly createdAt: number;
  /** The spec, or what is wrong with it: the API server's schema should make this rare, but it may be absent. */
  readonly spec: RequestSpec | { readonly problem: string; readonly nodeName: string };
  /** Undefined until reboot-manager first writes it. */
  readonly status: RequestStatus | undefined;
}

export function isTerminal(r: MaintenanceRequestView): boolean {
  return r.status !== undefined && TERMINAL_PHASES.has(r.status.phase);
}

export function validSpec(r: MaintenanceRequestView): RequestSpec | undefined {
  return 'problem' in r.spec ? undefined : r.spec;
}

/** Among requests for one node, the one that came first (creation time, then name): later live ones are rejected. */
export function firstCome(a: MaintenanceRequestView, b: MaintenanceRequestView): number {
  return a.createdAt - b.createdAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}
