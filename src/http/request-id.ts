// Request ids: a sane incoming `x-request-id` is honoured so logs can be joined across proxies.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

// Printable, no spaces or quotes, short: safe to echo in a header and to log.
const SANE_REQUEST_ID = /^[A-Za-z0-9._~:+/=@-]{1,128}$/;
// A random per-process prefix keeps generated ids unique across replicas and restarts.
const PREFIX = randomBytes(4).toString('hex');
const MAX_SMI = 0x7fffffff;
let counter = 0;

/** Fastify `genReqId`: the incoming id if sane, else `<process prefix>-<counter>`. */
export function requestIdFor(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  if (typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming)) return incoming;
  counter = (counter + 1) & MAX_SMI;
  return `${PREFIX}-${counter.toString(36)}`;
}
