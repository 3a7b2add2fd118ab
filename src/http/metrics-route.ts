// Prometheus scrape endpoint.
import type { FastifyInstance } from 'fastify';

/** What the metrics endpoint needs of a registry (prom-client's `Registry` has it). */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export function registerMetricsRoute(app: FastifyInstance, source: MetricsSource): void {
  app.get('/metrics', async (_request, reply) => reply.code(200).type(source.contentType).send(await source.metrics()));
}
