// Where the HTTP layer tells the request counter how each FleetLock request was answered.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FleetLockOutcomes } from '../fleetlock/outcomes.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Set by `buildPublicServer`; reached from any handler through `request.server`. */
    fleetLockOutcomes?: FleetLockOutcomes;
  }
}

export function attachOutcomes(app: FastifyInstance, outcomes: FleetLockOutcomes): void {
  app.decorate('fleetLockOutcomes', outcomes);
}

/** The recorder of the server that took `request`, if it has one. */
export function outcomesOf(request: FastifyRequest): FleetLockOutcomes | undefined {
  return request.server.fleetLockOutcomes;
}
