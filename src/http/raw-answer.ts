// A refusal written straight to a socket, for requests Node answers before Fastify sees them.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Refusal } from '../fleetlock/refusal.js';

/** Time a client has to read the answer and close before the socket is destroyed. */
const LINGER_MS = 2_000;

/** A whole HTTP/1.1 response in the `{"kind","value"}` shape; the connection closes after it. */
export function rawRefusal(refusal: Refusal): Buffer {
  const body = JSON.stringify({ kind: refusal.kind, value: refusal.value });
  const head =
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? 'Refused'}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    // 405 is only ever a FleetLock path asked with another method.
    (refusal.status === 405 ? 'allow: POST\r\n' : '') +
    'connection: close\r\n\r\n';
  return Buffer.from(head + body, 'utf8');
}

// Node keeps the answer being written for an earlier pipelined request here; it is not in the typings.
interface InFlight {
  readonly writableFinished: boolean;
  readonly headersSent: boolean;
  readonly req: { readonly complete: boolean };
  once(event: 'finish', listener: () => void): unknown;
}
type HttpSocket = Duplex & { _httpMessage?: InFlight | null };

/**
 * Writes `answer` once the answers to earlier pipelined requests are out, then half-closes.
 * The socket is read (and ignored) until the client closes or `LINGER_MS` passes: closing with
 * unread bytes would reset the connection, and a reset can discard the answer at the client.
 */
export function answerAndClose(socket: Duplex, answer: Buffer): void {
  const inFlight = (socket as HttpSocket)._httpMessage;
  // An answer to a request received whole goes first; one to the request that broke never comes.
  if (inFlight && !inFlight.writableFinished && inFlight.req.complete) {
    inFlight.once('finish', () => answerAndClose(socket, answer));
    return;
  }
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  socket.end(answer);
  if ('setTimeout' in socket) (socket as Socket).setTimeout(LINGER_MS, () => socket.destroy());
}
