// The HTTP front: authenticate, apply faults, authorise, dispatch, and answer JSON or a Status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { Authenticator } from './auth.js';
import { tokenFromPath } from './auth.js';
import { discovery } from './discovery.js';
import { errors, StatusError, reasonForCode } from './errors.js';
import type { FaultRegistry, FaultSpec } from './faults.js';
import type { HandlerContext } from './handlers.js';
import { handleResource } from './handlers.js';
import type { Rbac } from './rbac.js';
import type { RequestInfo } from './request-info.js';
import { parseRequestInfo } from './request-info.js';
import type { RequestLog } from './requests.js';
import { toTable, wantsTable } from './table.js';
import type { WatchHub } from './watch.js';

export interface ServerDeps extends HandlerContext {
  auth: Authenticator;
  rbac: Rbac;
  faults: FaultRegistry;
  log: RequestLog;
  hub: WatchHub;
  serverAddress: () => string;
}

const PUBLIC_PATHS = new Set(['/version', '/version/', '/healthz', '/livez', '/readyz']);
const ANONYMOUS = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

const MAX_BODY = 8 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new StatusError(413, 'RequestEntityTooLarge', 'the request body is too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  if ((contentType ?? '').includes('protobuf')) throw errors.unsupportedMediaType(contentType ?? '');
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (e) {
    throw errors.badRequest(`error decoding request body: ${(e as Error).message}`);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private', ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, e: StatusError): void {
  const headers: Record<string, string> = e.retryAfterSeconds !== undefined ? { 'Retry-After': String(e.retryAfterSeconds) } : {};
  sendJson(res, e.code, e.toStatus(), headers);
}

function faultError(f: FaultSpec, status: number): StatusError {
  const details = f.retryAfterSeconds !== undefined ? { retryAfterSeconds: f.retryAfterSeconds } : undefined;
  const message = status === 429 ? 'Too many requests, please try again later.' : `injected fault: HTTP ${status}`;
  return new StatusError(status, reasonForCode(status), message, details);
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createApiServer(deps: ServerDeps): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { token: pathToken, url } = tokenFromPath(req.url ?? '/');
    const info: RequestInfo = parseRequestInfo(req.method ?? 'GET', url);
    const record = { verb: info.verb, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name, user: '', status: 0, path: info.path };
    // Recorded as the answer starts, so a client that has its answer can already count it.
    let recorded = false;
    const note = (status: number) => {
      if (recorded) return;
      recorded = true;
      deps.log.add({ ...record, status });
    };
    res.on('close', () => note(res.headersSent ? res.statusCode : 0));
    const origWriteHead = res.writeHead.bind(res) as (status: number, ...rest: unknown[]) => ServerResponse;
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      note(status);
      return origWriteHead(status, ...rest);
    });

    if (info.path === '/_sim/requests') return sendJson(res, 200, { total: deps.log.count(), byVerb: deps.log.summary() });
    try {
      // Like system:public-info-viewer: version and health need no credentials (kubectl's dispatcher asks first).
      const user = deps.auth.authenticate(req.headers.authorization, pathToken) ?? (PUBLIC_PATHS.has(info.path) ? ANONYMOUS : undefined);
      if (!user) throw errors.unauthorized();
      record.user = user.name;
      const raw = await readBody(req);

      const fault = deps.faults.take(info, user.name);
      if (fault?.delayMs) await delay(fault.delayMs);
      if (fault?.drop) {
        note(0);
        req.socket.destroy();
        return;
      }
      if (fault?.status) throw faultError(fault, fault.status);

      deps.rbac.authorize(user, info);
      if (!info.isResource) {
        if (/^\/openapi\/v[23]/.test(info.path)) throw errors.notFoundPath();
        const doc = discovery(info.path, deps.serverAddress());
        if (doc === undefined) throw errors.notFoundPath();
        return sendJson(res, 200, doc);
      }
      if (info.verb === 'watch') {
        if (!info.type) throw errors.notFoundPath();
        deps.hub.open(info.type, info, res);
        return;
      }
      const body = parseBody(raw, req.headers['content-type']);
      const result = handleResource(deps, info, body, req.headers['content-type']);
      const table = info.type && (info.verb === 'get' || info.verb === 'list') && wantsTable(req.headers.accept);
      sendJson(res, result.status, table && info.type ? toTable(info.type, result.body, info.query.get('includeObject')) : result.body);
    } catch (e) {
      if (e instanceof StatusError) return sendError(res, e);
      sendError(res, errors.internal(`kube sim: ${e instanceof Error ? e.message : String(e)}`));
    }
  };
  return createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      res.destroy(e instanceof Error ? e : new Error(String(e)));
    });
  });
}
