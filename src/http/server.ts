// Composition root of the HTTP layer: Fastify configured for FleetLock, nothing else.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { FleetLockOutcomes } from '../fleetlock/outcomes.js';
import type { LockService, Readiness } from '../fleetlock/types.js';
import { fleetLockHandler } from './fleetlock-route.js';
import { frameworkErrorHandler, notFoundHandler, routerErrorHandler } from './framework-errors.js';
import { registerHealthRoutes } from './health-routes.js';
import { lazyChildLogger } from './lazy-child-logger.js';
import { registerMetricsRoute, type MetricsSource } from './metrics-route.js';
import { attachOutcomes } from './outcomes.js';
import { attachRefusalAudit } from './refusal-audit.js';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.js';
import { registerStatusRoutes, type StatusSource } from './status-routes.js';

/** A FleetLock body is ~100 bytes; anything near this is not a FleetLock client. */
export const DEFAULT_BODY_LIMIT = 16 * 1024;
// Time to receive a whole request: slow senders do not hold sockets forever. Answers may take longer.
const REQUEST_TIMEOUT_MS = 30_000;

export interface HttpServerOptions {
  readonly lock: LockService;
  readonly readiness: Readiness;
  /** Served at `GET /metrics` when given. */
  readonly metrics?: MetricsSource;
  /** Told how each FleetLock request was answered (the request counter). */
  readonly outcomes?: FleetLockOutcomes;
  /** Served at `GET /` (the status page) and `GET /api/v1/status` when given. */
  readonly status?: StatusSource;
  readonly logger: Logger;
  /** Largest accepted request body in bytes (default 16 KiB); larger is answered 413 `bad_request`. */
  readonly bodyLimit?: number;
}

function passRawBody(_request: unknown, body: Buffer, done: (err: null, body: Buffer) => void): void {
  done(null, body);
}

/** Builds (does not start) the server: FleetLock endpoints under any prefix, `/healthz`, `/readyz`. */
export function buildHttpServer(options: HttpServerOptions): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  // Widened to Fastify's logger type so callers get a plain `FastifyInstance`.
  const logger: FastifyBaseLogger = options.logger;
  const app = Fastify({
    loggerInstance: logger,
    childLoggerFactory: lazyChildLogger,
    // One refusal line per refused request instead of two lines per request: the success path stays quiet.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestIdFor,
    requestIdHeader: false,
    bodyLimit,
    requestTimeout: REQUEST_TIMEOUT_MS,
    frameworkErrors: routerErrorHandler,
  });

  // Zincati sends no Content-Type: every body is raw bytes, parsed by the FleetLock code itself.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, passRawBody);

  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  if (options.outcomes) attachOutcomes(app, options.outcomes);
  attachRefusalAudit(app, logger);
  app.setErrorHandler(frameworkErrorHandler(bodyLimit));
  app.setNotFoundHandler(notFoundHandler);

  registerHealthRoutes(app, options.readiness);
  if (options.metrics) registerMetricsRoute(app, options.metrics);
  if (options.status) registerStatusRoutes(app, options.status);
  app.all('*', fleetLockHandler(options.lock));
  return app;
}
