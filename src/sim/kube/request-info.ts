// Turns a URL and method into what the authorizer and handlers need, like the API server's RequestInfo.
import type { ResourceType } from './resources.js';
import { findType } from './resources.js';

export interface RequestInfo {
  /** False for discovery and other non-resource paths. */
  isResource: boolean;
  path: string;
  /** The authorizer's verb: get, list, watch, create, update, patch, delete, deletecollection. */
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  /** Undefined when the path names a resource the simulator does not serve. */
  type: ResourceType | undefined;
  query: URLSearchParams;
}

function isWatch(q: URLSearchParams): boolean {
  const w = q.get('watch');
  return w === 'true' || w === '1';
}

export function parseRequestInfo(method: string, rawUrl: string): RequestInfo {
  const url = new URL(rawUrl, 'http://sim.invalid');
  const query = url.searchParams;
  const base: RequestInfo = { isResource: false, path: url.pathname, verb: method.toLowerCase(), group: '', version: '', resource: '', subresource: '', namespace: '', name: '', type: undefined, query };
  const parts = url.pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    base.version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    base.group = parts[1] ?? '';
    base.version = parts[2] ?? '';
    rest = parts.slice(3);
  } else return base;

  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  // namespaces/{ns}/{resource}/... unless the path is the namespace object itself.
  if (rest[0] === 'namespaces' && rest.length >= 3 && findType(base.group, base.version, rest[2] ?? '')) {
    base.namespace = rest[1] ?? '';
    rest = rest.slice(2);
  }
  base.isResource = true;
  base.resource = rest[0] ?? '';
  base.name = rest[1] ?? '';
  base.subresource = rest.slice(2).join('/');
  base.type = findType(base.group, base.version, base.resource);

  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD') {
    if (legacyWatch || isWatch(query)) base.verb = 'watch';
    else base.verb = base.name ? 'get' : 'list';
  } else if (m === 'POST') base.verb = 'create';
  else if (m === 'PUT') base.verb = 'update';
  else if (m === 'PATCH') base.verb = 'patch';
  else if (m === 'DELETE') base.verb = base.name ? 'delete' : 'deletecollection';
  return base;
}
