// `GET /api/v1/explain/:node?group=G`: would a claim from this node be granted now, and if not, every reason.
import type { FastifyInstance } from 'fastify';
import { ExplainError, type ExplainErrorCode, type Explanation } from '../coordinator/explain.js';

/** What the route needs (`Explainer` has it). */
export interface ExplainSource {
  explain(node: string, group?: string): Explanation | ExplainError;
}

const STATUS: Readonly<Record<ExplainErrorCode, number>> = { unknown_node: 404, bad_group: 400 };

export function registerExplainRoute(app: FastifyInstance, source: ExplainSource): void {
  app.get<{ Params: { node: string }; Querystring: { group?: string | string[] } }>('/api/v1/explain/:node', (request, reply) => {
    const { group } = request.query;
    const answer = Array.isArray(group) ? new ExplainError('bad_group', 'group given more than once') : source.explain(request.params.node, group);
    reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
    if (answer instanceof ExplainError) return reply.code(STATUS[answer.code]).send({ error: answer.code, message: answer.message });
    return reply.code(200).send(answer);
  });
}
