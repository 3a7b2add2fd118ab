// The FleetLock endpoints under any path prefix: one catch-all route, matched by `matchEndpoint`.
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { parseClientParams } from '../fleetlock/client-params.js';
import { matchEndpoint } from '../fleetlock/endpoint.js';
import { Refusal, type Answer } from '../fleetlock/refusal.js';
import type { LockService } from '../fleetlock/types.js';
import { placeRefusal } from './method-refusal.js';
import { outcomesOf } from './outcomes.js';
import { auditOf } from './refusal-audit.js';
import { sendRefusal, sendUnavailable } from './refusal-reply.js';

// Zincati ignores the body of a 2xx; a constant string skips serialization.
const OK_BODY = '{"status":"ok"}';
const JSON_TYPE = 'application/json; charset=utf-8';

/** Answers unknown paths (404) and other methods on FleetLock paths (405), both as `not_found`. */
function notFleetLock(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { refusal, endpoint } = placeRefusal(request.method, request.url);
  if (refusal.status === 405) reply.header('allow', 'POST');
  return sendRefusal(request, reply, refusal, { endpoint });
}

/** The handler for every path not otherwise routed; built once, no per-request closures. */
export function fleetLockHandler(lock: LockService): RouteHandlerMethod {
  return async function handleFleetLock(request, reply) {
    const endpoint = matchEndpoint(request.url);
    if (endpoint === undefined || request.method !== 'POST') return notFleetLock(request, reply);

    const params = parseClientParams(request.headers, request.body as Buffer | undefined);
    if (params instanceof Refusal) return sendRefusal(request, reply, params, { endpoint });

    let answer: Answer;
    try {
      const ctx = { log: request.log, caller: request.ip };
      answer = await (endpoint === 'pre-reboot' ? lock.preReboot(params, ctx) : lock.steadyState(params, ctx));
    } catch (err) {
      return sendUnavailable(request, reply, err, { endpoint, params });
    }
    if (answer instanceof Refusal) return sendRefusal(request, reply, answer, { endpoint, params });
    const outcome = endpoint === 'pre-reboot' ? 'granted' : 'ok';
    outcomesOf(request)?.answered(endpoint, outcome);
    auditOf(request)?.answered(params, endpoint, outcome, request.log);
    return reply.code(200).type(JSON_TYPE).send(OK_BODY);
  };
}
