// The public FleetLock server: the only port a LoadBalancer exposes, so it serves FleetLock and nothing else.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { FleetLockOutcomes } from '../fleetlock/outcomes.js';
import type { LockService } from '../fleetlock/types.js';
import { applyClientLimits, clientLimitOptions, clientLimits, type ClientLimits } from './client-limits.js';
import { baseFastify } from './fastify-base.js';
import { fleetLockHandler } from './fleetlock-route.js';
import { frameworkErrorHandler, notFoundHandler, routerErrorHandler } from './framework-errors.js';
import { attachOutcomes } from './outcomes.js';
import { attachRefusalAudit } from './refusal-audit.js';
import { httpsOption, reloadTlsOnChange, type TlsServing } from './tls-serving.js';

/** A FleetLock body is ~100 bytes; anything near this is not a FleetLock client. */
export const DEFAULT_BODY_LIMIT = 16 * 1024;

export interface PublicServerOptions {
  readonly lock: LockService;
  /** Told how each FleetLock request was answered (the request counter). */
  readonly outcomes?: FleetLockOutcomes;
  readonly logger: Logger;
  /** Largest accepted request body in bytes (default 16 KiB); larger is answered 413 `bad_request`. */
  readonly bodyLimit?: number;
  /** Proxies (addresses or CIDR ranges) whose `X-Forwarded-For` names the real client; empty: none. */
  readonly trustedProxies?: readonly string[];
  /** HTTPS with this pair, reloaded when its files change; plain HTTP without. */
  readonly tls?: TlsServing;
  /** Timeouts and caps for slow or hostile clients (default: `DEFAULT_CLIENT_LIMITS`). */
  readonly limits?: Partial<ClientLimits>;
}

function passRawBody(_request: unknown, body: Buffer, done: (err: null, body: Buffer) => void): void {
  done(null, body);
}

/** Builds (does not start) the public server: `POST <prefix>/v1/pre-reboot` and `/v1/steady-state`, every other request refused. */
export function buildPublicServer(options: PublicServerOptions): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const trusted = options.trustedProxies ?? [];
  const limits = clientLimits(options.limits);
  const app = baseFastify(options.logger, {
    bodyLimit,
    frameworkErrors: routerErrorHandler,
    // `request.ip` is then the forwarded-for address when, and only when, the peer is one of these.
    trustProxy: trusted.length > 0 ? [...trusted] : false,
    ...clientLimitOptions(limits),
    // Spread, not written out: the https overload would type the instance apart from the plain one.
    ...httpsOption(options.tls),
  });
  applyClientLimits(app, limits);
  if (options.tls) reloadTlsOnChange(app, options.tls, options.logger);

  // Zincati sends no Content-Type: every body is raw bytes, parsed by the FleetLock code itself.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, passRawBody);

  if (options.outcomes) attachOutcomes(app, options.outcomes);
  attachRefusalAudit(app, options.logger);
  app.setErrorHandler(frameworkErrorHandler(bodyLimit));
  app.setNotFoundHandler(notFoundHandler);
  app.all('*', fleetLockHandler(options.lock));
  return app;
}
