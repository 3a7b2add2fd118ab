// How long and how much a client may take: the numbers, and where Node and Fastify are told them.
import type { Server } from 'node:http';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { answerClientErrors } from './client-errors.js';
import { registerProtocolAnswers } from './protocol-answers.js';

/** Every limit a client meets before a FleetLock handler runs. Times in ms, sizes in bytes. */
export interface ClientLimits {
  /** From connecting (or the first byte of a request on a kept-alive socket) to the end of its headers. */
  readonly headersTimeoutMs: number;
  /** From the first byte of a request to its last body byte; the answer's own time is not counted. */
  readonly requestTimeoutMs: number;
  /** How long a socket may wait for the next request after an answer. */
  readonly keepAliveTimeoutMs: number;
  /** A socket on which nothing moves this long is closed, whatever it is doing. */
  readonly idleTimeoutMs: number;
  /** How often Node looks for requests past the two timeouts above (its default is 30 s). */
  readonly checkIntervalMs: number;
  /** Request line plus headers; more is answered 431. */
  readonly maxHeaderBytes: number;
  /** Open sockets at most; more are closed as they arrive. */
  readonly maxConnections: number;
}

export const DEFAULT_CLIENT_LIMITS: ClientLimits = {
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 60_000,
  checkIntervalMs: 1_000,
  maxHeaderBytes: 8 * 1024,
  maxConnections: 2_000,
};

/** The defaults with `overrides` applied; the header timeout never exceeds the request timeout (Node refuses that). */
export function clientLimits(overrides: Partial<ClientLimits> = {}): ClientLimits {
  const limits = { ...DEFAULT_CLIENT_LIMITS, ...overrides };
  return { ...limits, headersTimeoutMs: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) };
}

/** The settings Fastify takes as options, to spread into `Fastify({...})`. */
export function clientLimitOptions(limits: ClientLimits): Pick<FastifyServerOptions, 'requestTimeout' | 'keepAliveTimeout' | 'connectionTimeout' | 'clientErrorHandler'> {
  return {
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    clientErrorHandler: answerClientErrors(limits),
  };
}

// Node reads these from the server object (per connection, per request, or at listen), for http and https alike.
interface NodeServerSettings {
  headersTimeout: number;
  maxHeaderSize?: number;
  connectionsCheckingInterval?: number;
  requireHostHeader?: boolean;
  maxConnections: number;
}

const DROP_LOG_INTERVAL_MS = 60_000;

/** The rest, on the built (not yet listening) server: Node-only settings and the answers Node would give itself. */
export function applyClientLimits(app: FastifyInstance, limits: ClientLimits): void {
  const server: Server & NodeServerSettings = app.server;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.maxHeaderSize = limits.maxHeaderBytes;
  server.connectionsCheckingInterval = limits.checkIntervalMs;
  server.maxConnections = limits.maxConnections;
  // Node's own 400 for a missing Host has an empty body; a hook answers it in the FleetLock shape.
  server.requireHostHeader = false;
  registerProtocolAnswers(app);

  // Node closes a connection over the cap at once; a flood is logged once a minute, not once a socket.
  let dropped = 0;
  let lastLog = 0;
  server.on('drop', () => {
    dropped++;
    const now = Date.now();
    if (now - lastLog < DROP_LOG_INTERVAL_MS) return;
    app.log.warn({ dropped, maxConnections: limits.maxConnections }, 'connection cap reached; new connections are closed');
    lastLog = now;
    dropped = 0;
  });
}
