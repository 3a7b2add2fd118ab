// Fastify's own failures (body too large, bad Content-Length, bad URL, no route) in FleetLock's `{"kind","value"}` shape.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { matchEndpoint } from '../fleetlock/endpoint.js';
import { Refusal } from '../fleetlock/refusal.js';
import { placeRefusal } from './method-refusal.js';
import { sendRefusal, sendUnavailable } from './refusal-reply.js';

const MESSAGES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'the Content-Type header is malformed; send none or a valid media type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'the Content-Length header does not match the body',
  FST_ERR_BAD_URL: 'the request URL is malformed',
};

/** Builds the error handler; `bodyLimit` is named in the 413 message. */
export function frameworkErrorHandler(bodyLimit: number) {
  return function handleFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    // Counted under the endpoint the request was meant for (an oversized pre-reboot is still a pre-reboot).
    const context = { endpoint: matchEndpoint(request.url) };
    const status = error.statusCode;
    if (status === 413) {
      return sendRefusal(request, reply, new Refusal('bad_request', `request body exceeds ${bodyLimit} bytes`, 413), context);
    }
    if (status !== undefined && status >= 400 && status < 500) {
      const value = MESSAGES[error.code] ?? `bad request: ${error.message}`;
      return sendRefusal(request, reply, new Refusal('bad_request', value), context);
    }
    return sendUnavailable(request, reply, error, context);
  };
}

/** Requests no route takes (a method Node parses but the catch-all does not cover, e.g. PURGE or LINK). */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { refusal, endpoint } = placeRefusal(request.method, request.url);
  if (refusal.status === 405) reply.header('allow', 'POST');
  return sendRefusal(request, reply, refusal, { endpoint });
}

/** Router-level errors (malformed URL) reach this before any route or hook. */
export function routerErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const value = MESSAGES[error.code] ?? 'the request URL is malformed';
  sendRefusal(request, reply, new Refusal('bad_request', value));
}
