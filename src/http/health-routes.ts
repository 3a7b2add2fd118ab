// Liveness and readiness probes for the kubelet and the Service.
import type { FastifyInstance } from 'fastify';
import type { Readiness } from '../fleetlock/types.js';

export function registerHealthRoutes(app: FastifyInstance, readiness: Readiness): void {
  // Alive means the event loop answers; nothing else is checked, so a restart cannot fix a dependency.
  app.get('/healthz', (_request, reply) => reply.code(200).send({ status: 'ok' }));

  app.get('/readyz', (request, reply) => {
    let state: { ready: boolean; reason: string };
    try {
      state = readiness.readiness();
    } catch (err) {
      request.log.error({ err }, 'readiness check failed');
      state = { ready: false, reason: 'readiness check failed' };
    }
    const body = { status: state.ready ? 'ready' : 'not_ready', reason: state.reason };
    return reply.code(state.ready ? 200 : 503).send(body);
  });
}
