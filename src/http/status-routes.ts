// The status page (`GET /` with its script and style) and the status API (`GET /api/v1/status`).
// Read-only, served by every replica from its own cache; the data comes from `src/status`.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { HistoryRow } from '../status/history-rows.js';
import type { StatusSnapshot } from '../status/snapshot.js';
import { STATUS_HTML } from './status-page/html.js';
import { STATUS_JS } from './status-page/script.js';
import { STATUS_CSS } from './status-page/style.js';

/** What the status routes need (`StatusService` has it). */
export interface StatusSource {
  snapshot(): StatusSnapshot;
  /** One node's reboot history, or the cluster's latest reboots; undefined for a node that does not exist. */
  history(node?: string): readonly HistoryRow[] | undefined;
}

/** Node names are DNS subdomains: anything else is refused before it is looked up. */
const NODE_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/**
 * Nothing inline, nothing from elsewhere: the page runs only its own script and style and talks only to
 * this server, so a node name or drain text that smuggles in markup cannot run or load anything.
 */
export const STATUS_PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function sendAsset(reply: FastifyReply, type: string, body: string): FastifyReply {
  return reply
    .code(200)
    .type(type)
    .header('content-security-policy', STATUS_PAGE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    // Small and versioned with the binary: revalidate rather than risk a page and script from two releases.
    .header('cache-control', 'no-cache')
    .send(body);
}

export function registerStatusRoutes(app: FastifyInstance, source: StatusSource): void {
  app.get('/', (_request, reply) => sendAsset(reply, 'text/html; charset=utf-8', STATUS_HTML));
  app.get('/status.js', (_request, reply) => sendAsset(reply, 'text/javascript; charset=utf-8', STATUS_JS));
  app.get('/status.css', (_request, reply) => sendAsset(reply, 'text/css; charset=utf-8', STATUS_CSS));
  app.get('/api/v1/status', (_request, reply) =>
    reply.code(200).header('cache-control', 'no-store').header('x-content-type-options', 'nosniff').send(source.snapshot()),
  );
  app.get('/api/v1/history', (request, reply) => {
    const json = reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
    const query = request.query as Record<string, unknown>;
    const node = query.node;
    if (node !== undefined && (typeof node !== 'string' || !NODE_NAME.test(node))) {
      return json.code(400).send({ error: 'bad_request', message: 'node must be one Node name (a DNS subdomain), e.g. ?node=node-01' });
    }
    const rows = source.history(node);
    if (!rows) return json.code(404).send({ error: 'not_found', message: `no Node named ${String(node)}` });
    return json.code(200).send({ node: node ?? null, reboots: rows });
  });
}
