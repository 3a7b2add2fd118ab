// Serves an in-process call through the HTTP front's own handlers, so both fronts share every rule and error.
import { ApiException } from '@kubernetes/client-node';
import type { KubeError } from '../../kube/errors.js';
import { toKubeError } from '../../kube/errors.js';
import { errors, StatusError } from './errors.js';
import type { HandlerContext } from './handlers.js';
import { handleResource } from './handlers.js';
import type { RequestInfo } from './request-info.js';
import { typeByName } from './resources.js';

export interface SimRequest {
  readonly verb: 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete';
  /** Plural resource name: nodes, pods, leases, events. */
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  readonly contentType?: string;
}

/** The RequestInfo the router would have parsed from the matching URL. */
export function requestInfo(req: SimRequest): RequestInfo {
  const type = typeByName(req.resource);
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) query.set(k, v);
  return {
    isResource: true,
    path: '',
    verb: req.verb,
    group: type.group,
    version: type.version,
    resource: type.resource,
    subresource: req.subresource ?? '',
    namespace: req.namespace ?? '',
    name: req.name ?? '',
    type,
    query,
  };
}

/** The answer's body as the wire would carry it: a plain JSON copy, never a stored object. */
export function serve(ctx: HandlerContext, req: SimRequest): unknown {
  return toJson(handleResource(ctx, requestInfo(req), req.body, req.contentType).body);
}

export function toJson<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/**
 * A simulator failure as the REST client would report it: through the same `toKubeError` over the same
 * Status body, so code, status, reason, causes and message text match.
 */
export function toApiError(err: unknown, what: string): KubeError {
  const e = err instanceof StatusError ? err : errors.internal(`kube sim: ${err instanceof Error ? err.message : String(err)}`);
  const headers: Record<string, string> = e.retryAfterSeconds === undefined ? {} : { 'retry-after': String(e.retryAfterSeconds) };
  return toKubeError(new ApiException(e.code, e.message, JSON.stringify(e.toStatus()), headers), what);
}
