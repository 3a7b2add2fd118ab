// The answers Node's HTTP server would give itself, with empty bodies: given in the FleetLock shape instead.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { matchEndpoint } from '../fleetlock/endpoint.js';
import { Refusal } from '../fleetlock/refusal.js';
import { placeRefusal } from './method-refusal.js';
import { answerAndClose, rawRefusal } from './raw-answer.js';
import { sendRefusal } from './refusal-reply.js';

/** Hooks and server events for the answers Node or Fastify would give with other bodies; Node's Host check must be off. */
export function registerProtocolAnswers(app: FastifyInstance): void {
  app.addHook('onRequest', refuseMissingHost);
  app.addHook('onRequest', refuseWrongMethod);
  app.server.on('checkExpectation', answerExpectation(app));
  app.server.on('connect', answerConnect(app));
}

/** RFC 9112 requires Host on HTTP/1.1 (Node's check is turned off: its answer has no body). */
function refuseMissingHost(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  if (request.headers.host !== undefined || request.raw.httpVersion !== '1.1') {
    done();
    return;
  }
  sendRefusal(request, reply, new Refusal('bad_request', 'an HTTP/1.1 request needs a Host header'), { endpoint: matchEndpoint(request.url) });
}

/** Another method than POST on a FleetLock path is 405 before its body is read (Fastify would judge QUERY's first). */
function refuseWrongMethod(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  if (request.method === 'POST' || matchEndpoint(request.url) === undefined) {
    done();
    return;
  }
  const { refusal, endpoint } = placeRefusal(request.method, request.url);
  reply.header('allow', 'POST');
  sendRefusal(request, reply, refusal, { endpoint });
}

/** `checkExpectation`: an `Expect` other than 100-continue is 417; the connection stays usable (the body is skipped). */
function answerExpectation(app: FastifyInstance) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    app.fleetLockOutcomes?.answered(matchEndpoint(req.url ?? ''), 'bad_request');
    app.log.debug({ status: 417 }, 'unsupported Expect refused');
    const body = JSON.stringify({ kind: 'bad_request', value: 'only "Expect: 100-continue" is supported; send no Expect header' });
    res.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}

/** `connect`: CONNECT is not FleetLock; without a listener Node would close the socket without a word. */
function answerConnect(app: FastifyInstance) {
  return (req: IncomingMessage, socket: Duplex): void => {
    // Node took its own error listener off this socket when it handed it over: a reset must not crash the process.
    socket.on('error', () => socket.destroy());
    const { refusal, endpoint } = placeRefusal('CONNECT', req.url ?? '');
    app.fleetLockOutcomes?.answered(endpoint, refusal.kind);
    app.log.debug({ status: refusal.status }, 'CONNECT refused');
    answerAndClose(socket, rawRefusal(refusal));
  };
}
