import type { Answer } from './refusal.js';

/** `client_params` of a FleetLock request, validated. */
export interface ClientParams {
  /** Zincati app-specific machine id, or a raw machine-id from other clients. */
  readonly id: string;
  /** FleetLock group, `^[a-zA-Z0-9.-]+$`. */
  readonly group: string;
}

/** Context the HTTP layer passes down: a child logger carrying the request id, and who sent the request. */
export interface RequestContext {
  /** The client's IP address: the TCP peer, or the forwarded-for address when the peer is a trusted proxy. */
  readonly caller?: string;
  readonly log: {
    info(obj: object, msg?: string): void;
    warn(obj: object, msg?: string): void;
    error(obj: object, msg?: string): void;
    debug(obj: object, msg?: string): void;
  };
}

/**
 * What the FleetLock endpoints ask of the lock. Both answer `OK` ("200") or a `Refusal`; there is no
 * other outcome, so no 2xx can ever mean "wait". A rejected promise is a bug, answered 503.
 */
export interface LockService {
  preReboot(params: ClientParams, ctx: RequestContext): Promise<Answer>;
  steadyState(params: ClientParams, ctx: RequestContext): Promise<Answer>;
}

/** Readiness as `/readyz` reports it: only the leader with a synced cache is ready. */
export interface Readiness {
  readiness(): { ready: boolean; reason: string };
}
