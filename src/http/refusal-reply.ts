// One way to answer a refusal: its status, `{"kind","value"}`, and the audit trail (info when the answer is new, else counted).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Refusal, REFUSAL_STATUS } from '../fleetlock/refusal.js';
import type { FleetLockEndpoint } from '../fleetlock/endpoint.js';
import type { ClientParams } from '../fleetlock/types.js';
import { outcomesOf } from './outcomes.js';
import { auditOf } from './refusal-audit.js';

/** Identifies the FleetLock request in a refusal log line, as far as it was parsed. */
export interface RefusalContext {
  readonly endpoint?: FleetLockEndpoint;
  readonly params?: ClientParams;
  /** The Node the id resolved to, when known. */
  readonly node?: string;
}

function isKnownKind(kind: string): kind is keyof typeof REFUSAL_STATUS {
  return Object.hasOwn(REFUSAL_STATUS, kind);
}

/** The status a refusal is answered with: never 2xx or 3xx, whatever the refusal was built with. */
export function refusalStatus(refusal: Refusal): number {
  if (!isKnownKind(refusal.kind)) return REFUSAL_STATUS.unavailable;
  const { status } = refusal;
  return Number.isInteger(status) && status >= 400 && status <= 599 ? status : REFUSAL_STATUS[refusal.kind];
}

export function sendRefusal(
  request: FastifyRequest,
  reply: FastifyReply,
  refusal: Refusal,
  context: RefusalContext = {},
): FastifyReply {
  const status = refusalStatus(refusal);
  const kind = isKnownKind(refusal.kind) ? refusal.kind : 'unavailable';
  const value = refusal.value === '' ? kind.replaceAll('_', ' ') : refusal.value;
  // A body the parser refused was answered and counted on the socket already; this answer cannot leave.
  if (request.raw.socket?.writableEnded !== true) {
    const asker = { id: context.params?.id, group: context.params?.group, node: context.node, source: request.ip };
    const answer = { endpoint: context.endpoint, kind, value, status };
    const audit = auditOf(request);
    if (audit) audit.refused(asker, answer, request.log);
    else request.log.info({ ...answer, ...asker }, 'fleetlock refusal');
    outcomesOf(request)?.answered(context.endpoint, kind);
  }
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify({ kind, value }));
}

/** An unexpected failure: logged with the error, answered 503 `unavailable` without internals. */
export function sendUnavailable(
  request: FastifyRequest,
  reply: FastifyReply,
  err: unknown,
  context: RefusalContext = {},
): FastifyReply {
  request.log.error(
    { err, endpoint: context.endpoint, id: context.params?.id, group: context.params?.group },
    'request failed unexpectedly',
  );
  outcomesOf(request)?.answered(context.endpoint, 'unavailable');
  const value = `internal error, see the server log for request ${request.id}`;
  return reply
    .code(REFUSAL_STATUS.unavailable)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ kind: 'unavailable', value }));
}
