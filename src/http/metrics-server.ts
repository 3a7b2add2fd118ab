// A server with nothing but `GET /metrics`, for processes that serve no other HTTP (the imds-agent).
import type { Logger } from 'pino';
import { baseFastify } from './fastify-base.js';
import { listenAt } from './listen.js';
import { registerMetricsRoute, type MetricsSource } from './metrics-route.js';

export interface MetricsServer {
  /** e.g. `http://127.0.0.1:9102/metrics`. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(options: { source: MetricsSource; host: string; port: number; logger: Logger }): Promise<MetricsServer> {
  const app = baseFastify(options.logger);
  registerMetricsRoute(app, options.source);
  const base = await listenAt(app, options);
  return { url: `${base}metrics`, close: () => app.close() };
}
