// A server with nothing but `GET /metrics`, for processes that serve no other HTTP (the imds-agent).
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import { registerMetricsRoute, type MetricsSource } from './metrics-route.js';

export interface MetricsServer {
  /** e.g. `http://127.0.0.1:9102/metrics`. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(options: { source: MetricsSource; host: string; port: number; logger: Logger }): Promise<MetricsServer> {
  const logger: FastifyBaseLogger = options.logger;
  // Scrapes every few seconds would flood the log: no per-request lines.
  const app = Fastify({ loggerInstance: logger, logController: new LogController({ disableRequestLogging: true }) });
  registerMetricsRoute(app, options.source);
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host.includes(':') ? `[${options.host}]` : options.host;
  return { url: `http://${host}:${port}/metrics`, close: () => app.close() };
}
