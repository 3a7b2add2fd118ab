// Public face of the HTTP layer: the only place that knows Fastify.
export { buildHttpServer, DEFAULT_BODY_LIMIT } from './server.js';
export type { HttpServerOptions } from './server.js';
export { REQUEST_ID_HEADER } from './request-id.js';
export { startMetricsServer } from './metrics-server.js';
export type { MetricsServer } from './metrics-server.js';
