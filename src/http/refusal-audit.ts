// Where the HTTP layer keeps the refusal audit: one per server, summarised on a timer and when the server closes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RefusalAudit, type AuditLog } from '../logging/refusal-audit.js';

// Zincati asks every 5 minutes while refused: a summary per round of asking.
const SUMMARY_EVERY_MS = 5 * 60_000;

declare module 'fastify' {
  interface FastifyInstance {
    /** Set by `buildHttpServer`; reached from any handler through `request.server`. */
    refusalAudit?: RefusalAudit;
  }
}

export function attachRefusalAudit(app: FastifyInstance, log: AuditLog): void {
  const audit = new RefusalAudit({ log, now: Date.now });
  app.decorate('refusalAudit', audit);
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', (done) => {
    timer = setInterval(() => audit.summarize(), SUMMARY_EVERY_MS).unref();
    done();
  });
  app.addHook('onClose', (_app, done) => {
    clearInterval(timer);
    audit.summarize();
    done();
  });
}

/** The audit of the server that took `request`, if it has one. */
export function auditOf(request: FastifyRequest): RefusalAudit | undefined {
  return request.server.refusalAudit;
}
