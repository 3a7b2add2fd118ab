// The internal server: status page, status API, metrics and probes, on a port no LoadBalancer exposes.
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Readiness } from '../fleetlock/types.js';
import { applyClientLimits, clientLimitOptions, clientLimits } from './client-limits.js';
import { registerExplainRoute, type ExplainSource } from './explain-route.js';
import { baseFastify } from './fastify-base.js';
import { registerHealthRoutes } from './health-routes.js';
import { registerMetricsRoute, type MetricsSource } from './metrics-route.js';
import { registerStatusRoutes, type StatusSource } from './status-routes.js';

export interface InternalServerOptions {
  readonly readiness: Readiness;
  /** Served at `GET /metrics` when given. */
  readonly metrics?: MetricsSource;
  /** Served at `GET /` (the status page) and `GET /api/v1/status` when given. */
  readonly status?: StatusSource;
  /** Served at `GET /api/v1/explain/:node` when given. */
  readonly explain?: ExplainSource;
  readonly logger: Logger;
}

/** Builds (does not start) the internal server: `/healthz`, `/readyz`, and `/metrics`, the status page and `explain` when given. */
export function buildInternalServer(options: InternalServerOptions): FastifyInstance {
  // Read-only GETs: no request has a body worth more than a few bytes. Slow clients meet the public port's limits.
  const limits = clientLimits();
  const app = baseFastify(options.logger, { bodyLimit: 1024, ...clientLimitOptions(limits) });
  applyClientLimits(app, limits);
  // A failure behind a page or scrape is the server's, and passes: 503 with no internals, logged once.
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 503;
    if (status === 503) request.log.error({ err, url: request.url }, 'internal request failed');
    return reply.code(status).send({ error: status === 503 ? `internal error, see the server log for request ${request.id}` : err.message });
  });
  registerHealthRoutes(app, options.readiness);
  if (options.metrics) registerMetricsRoute(app, options.metrics);
  if (options.status) registerStatusRoutes(app, options.status);
  if (options.explain) registerExplainRoute(app, options.explain);
  return app;
}
