// Requests Node's HTTP parser refuses, or cuts for slowness, before Fastify sees them: answered in the FleetLock shape.
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { FleetLockEndpoint } from '../fleetlock/endpoint.js';
import { Refusal } from '../fleetlock/refusal.js';
import { placeRefusal } from './method-refusal.js';
import { answerAndClose, rawRefusal } from './raw-answer.js';

/** The limits an answer names (a subset of `ClientLimits`, kept here so the two files do not import each other). */
type ToldLimits = { readonly headersTimeoutMs: number; readonly requestTimeoutMs: number; readonly maxHeaderBytes: number };

/** What Node passes to `clientError`: parse errors carry the bytes being parsed. */
export type ClientError = Error & { code?: string; reason?: unknown; bytesParsed?: number; rawPacket?: unknown };

// llhttp's codes in words; any other HPE_ code is answered with llhttp's own reason (a fixed string).
const PARSE_MESSAGES: Readonly<Record<string, string>> = {
  HPE_INVALID_CONTENT_LENGTH: 'the Content-Length header is invalid, repeated with another value, or not a number',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'Content-Length is sent more than once',
  HPE_INVALID_TRANSFER_ENCODING: 'Transfer-Encoding is not chunked, or is sent together with Content-Length',
  HPE_INVALID_CHUNK_SIZE: 'a chunk size is not a hexadecimal number',
  HPE_INVALID_URL: 'the request target holds a forbidden byte',
  HPE_INVALID_HEADER_TOKEN: 'a header name or value holds a forbidden byte',
  HPE_INVALID_VERSION: 'the HTTP version is invalid',
  HPE_INVALID_EOF_STATE: 'the connection was closed in the middle of a request',
  HPE_CLOSED_CONNECTION: 'bytes after a request that closed the connection',
  HPE_INVALID_METHOD: 'the request line is malformed',
};

const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/\d\.\d\r?$/;

/** The method and target of the request line that holds byte `at` of `raw`, if it is one. */
function requestLineAt(raw: unknown, at: number | undefined): { method: string; target: string } | undefined {
  if (!Buffer.isBuffer(raw)) return undefined;
  const start = raw.lastIndexOf(0x0a, Math.max(0, (at ?? 0) - 1)) + 1;
  const eol = raw.indexOf(0x0a, start);
  const line = raw.subarray(start, eol === -1 ? raw.length : Math.min(eol, start + 8192)).toString('latin1');
  const m = REQUEST_LINE.exec(line);
  return m?.[1] && m[2] ? { method: m[1], target: m[2] } : undefined;
}

/** The answer to a client error, with the endpoint it is counted under; undefined for a broken socket (no one to answer). */
export function clientErrorAnswer(err: ClientError, limits: ToldLimits): { refusal: Refusal; endpoint?: FleetLockEndpoint } | undefined {
  const code = err.code ?? '';
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    const value = `request not received in time: headers within ${limits.headersTimeoutMs / 1000} s, the whole request within ${limits.requestTimeoutMs / 1000} s`;
    return { refusal: new Refusal('bad_request', value, 408) };
  }
  if (!code.startsWith('HPE_')) return undefined;
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { refusal: new Refusal('bad_request', `request line and headers exceed ${limits.maxHeaderBytes} bytes`, 431) };
  }
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') {
    return { refusal: new Refusal('bad_request', 'chunk extensions are too large', 413) };
  }
  const line = code === 'HPE_INVALID_METHOD' ? requestLineAt(err.rawPacket, err.bytesParsed) : undefined;
  if (line) {
    return placeRefusal(line.method, line.target);
  }
  const reason = typeof err.reason === 'string' ? `: ${err.reason.slice(0, 100)}` : '';
  return { refusal: new Refusal('bad_request', PARSE_MESSAGES[code] ?? `malformed HTTP request${reason}`) };
}

/** Fastify's `clientErrorHandler` (called with the instance as `this`): one answer per socket, counted, logged at debug. */
export function answerClientErrors(limits: ToldLimits) {
  // The parser stays failed: later bytes on the socket raise the error again.
  const answered = new WeakSet<Socket>();
  return function answerClientError(this: FastifyInstance, err: ClientError, socket: Socket): void {
    if (socket.destroyed || answered.has(socket)) return;
    const answer = clientErrorAnswer(err, limits);
    if (!answer) {
      socket.destroy();
      return;
    }
    answered.add(socket);
    this.fleetLockOutcomes?.answered(answer.endpoint, answer.refusal.kind);
    // Debug only: a flood of garbage must not become a flood of log lines.
    this.log.debug({ code: err.code, status: answer.refusal.status }, 'malformed or slow request refused');
    answerAndClose(socket, rawRefusal(answer.refusal));
  };
}
