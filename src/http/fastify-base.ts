// What every Fastify server of ours shares: the logger, request ids, and no per-request log lines.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import { lazyChildLogger } from './lazy-child-logger.js';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.js';

/** A Fastify instance logging through `logger`, tagging each request with an id echoed in `x-request-id`. */
export function baseFastify(logger: Logger, options: Omit<FastifyServerOptions, 'logger' | 'loggerInstance'> = {}): FastifyInstance {
  // Widened to Fastify's logger type so callers get a plain `FastifyInstance`.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance,
    childLoggerFactory: lazyChildLogger,
    // Scrapes, probes and repeated FleetLock polls would flood the log: answers log only what matters.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestIdFor,
    requestIdHeader: false,
    ...options,
  });
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  return app;
}
