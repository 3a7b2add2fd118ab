// The REST verbs on stored resources: get, list, create, update, patch, delete, and their subresources.
import { continueExpired, continueToken, parseContinue } from './continue.js';
import { onCreate } from './defaults.js';
import type { Deleter } from './deletion.js';
import { parseDeleteOptions } from './deletion.js';
import { errors } from './errors.js';
import { evict } from './eviction.js';
import { applyPatch, patchTypeOf } from './patch.js';
import type { RequestInfo } from './request-info.js';
import type { ResourceType } from './resources.js';
import { apiVersionOf, typeByName } from './resources.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { ObjectStore } from './store.js';
import type { KubeObject } from './types.js';
import { isPlainObject } from './util.js';
import { validate } from './validate.js';

const NAMESPACES = typeByName('namespaces');

export interface HandlerContext {
  store: ObjectStore;
  deleter: Deleter;
}

export interface Result {
  status: number;
  body: unknown;
}

function subj(t: ResourceType, name: string) {
  return { resource: t.resource, group: t.group, name };
}

function requireType(info: RequestInfo): ResourceType {
  if (!info.type) throw errors.notFoundPath();
  if (info.subresource && !info.type.subresources.includes(info.subresource)) throw errors.notFoundPath();
  return info.type;
}

function bodyObject(body: unknown): KubeObject {
  if (!isPlainObject(body)) throw errors.badRequest('the request body must be a JSON object');
  const meta = isPlainObject(body.metadata) ? body.metadata : {};
  return { ...body, metadata: { ...meta } };
}

function ensureNamespace(ctx: HandlerContext, ns: string): void {
  if (!ctx.store.get(NAMESPACES, undefined, ns)) throw errors.notFound({ resource: 'namespaces', group: '', name: ns });
}

/** Fills namespace from the URL and rejects a body naming another one. */
function placeIn(t: ResourceType, info: RequestInfo, obj: KubeObject): void {
  if (!t.namespaced) return;
  if (obj.metadata.namespace && obj.metadata.namespace !== info.namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  obj.metadata.namespace = info.namespace;
}

/** Main-resource writes leave status alone and status writes change only status, where a status subresource exists. */
function scopeWrite(t: ResourceType, info: RequestInfo, old: KubeObject, next: KubeObject): KubeObject {
  if (!t.subresources.includes('status')) return next;
  if (info.subresource === 'status') return { ...old, status: next.status, metadata: { ...old.metadata, resourceVersion: next.metadata.resourceVersion } };
  const out = { ...next };
  if (old.status === undefined) delete out.status;
  else out.status = old.status;
  return out;
}

function list(ctx: HandlerContext, t: ResourceType, info: RequestInfo): Result {
  const field = parseFieldSelector(info.query.get('fieldSelector'));
  const label = parseLabelSelector(info.query.get('labelSelector'));
  const from = parseContinue(info.query.get('continue'), ctx.store.currentRV(), t, info.namespace);
  const { after, rv } = from;
  const limit = Number(info.query.get('limit') ?? '0');
  const page = ctx.store.page(t, info.namespace || undefined, (o) => field(o) && label(o), after, limit > 0 ? limit : 0, rv);
  if (page === 'expired') throw continueExpired(t, from);
  const items = page.items;
  // Every page carries the first page's version, so a watch from the last one misses nothing.
  const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
  if (page.remaining > 0) {
    const last = items[items.length - 1];
    if (last) metadata.continue = continueToken(t, info.namespace !== '', last, rv);
    metadata.remainingItemCount = page.remaining;
  }
  return { status: 200, body: { kind: `${t.kind}List`, apiVersion: apiVersionOf(t), metadata, items } };
}

function create(ctx: HandlerContext, t: ResourceType, info: RequestInfo, body: unknown): Result {
  if (info.subresource === 'eviction') return { status: 201, body: evict(ctx.store, ctx.deleter, info.namespace, info.name, body) };
  if (info.name) throw errors.methodNotAllowed();
  const obj = bodyObject(body);
  placeIn(t, info, obj);
  if (t.namespaced) ensureNamespace(ctx, info.namespace);
  validate(t, obj);
  return { status: 201, body: ctx.store.create(t, onCreate(t, obj)) };
}

function update(ctx: HandlerContext, t: ResourceType, info: RequestInfo, body: unknown): Result {
  const obj = bodyObject(body);
  if (obj.metadata.name !== info.name) throw errors.badRequest(`the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${info.name})`);
  placeIn(t, info, obj);
  const old = ctx.store.get(t, info.namespace, info.name);
  if (!old) throw errors.notFound(subj(t, info.name));
  const next = scopeWrite(t, info, old, obj);
  validate(t, next, 'update');
  const expectRV = obj.metadata.resourceVersion;
  return { status: 200, body: ctx.store.update(t, next, expectRV ? { expectRV } : {}) };
}

function patch(ctx: HandlerContext, t: ResourceType, info: RequestInfo, body: unknown, contentType: string | undefined): Result {
  const type = patchTypeOf(contentType);
  const old = ctx.store.get(t, info.namespace, info.name);
  if (!old) throw errors.notFound(subj(t, info.name));
  const patched = bodyObject(applyPatch(type, old, body));
  if (patched.metadata.name !== undefined && patched.metadata.name !== old.metadata.name) throw errors.badRequest('metadata.name: the name of a patched object cannot change');
  patched.metadata.name = old.metadata.name;
  if (t.namespaced) patched.metadata.namespace = old.metadata.namespace;
  // A resourceVersion in the patched result is a precondition, as in the real API server.
  const rv = patched.metadata.resourceVersion;
  if (rv !== undefined && rv !== old.metadata.resourceVersion) throw errors.conflict(subj(t, info.name));
  const next = scopeWrite(t, info, old, patched);
  validate(t, next, 'update');
  return { status: 200, body: ctx.store.update(t, next, { expectRV: old.metadata.resourceVersion ?? '' }) };
}

function remove(ctx: HandlerContext, t: ResourceType, info: RequestInfo, body: unknown): Result {
  const gone = ctx.deleter.delete(t, info.namespace || undefined, info.name, parseDeleteOptions(body, info.query));
  if (t.resource === 'pods') return { status: 200, body: gone };
  const details = { name: info.name, group: t.group, kind: t.resource, uid: gone.metadata.uid };
  return { status: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details } };
}

function removeCollection(ctx: HandlerContext, t: ResourceType, info: RequestInfo, body: unknown): Result {
  const listed = list(ctx, t, info).body as { items: KubeObject[] };
  const opts = parseDeleteOptions(body, info.query);
  const items = listed.items.map((o) => ctx.deleter.delete(t, o.metadata.namespace, o.metadata.name ?? '', opts));
  return { status: 200, body: { kind: `${t.kind}List`, apiVersion: apiVersionOf(t), metadata: { resourceVersion: String(ctx.store.currentRV()) }, items } };
}

/** Handles every verb but watch, which streams. */
export function handleResource(ctx: HandlerContext, info: RequestInfo, body: unknown, contentType: string | undefined): Result {
  const t = requireType(info);
  if (info.subresource === 'eviction' && info.verb !== 'create') throw errors.methodNotAllowed();
  switch (info.verb) {
    case 'get': {
      const o = ctx.store.get(t, info.namespace, info.name);
      if (!o) throw errors.notFound(subj(t, info.name));
      return { status: 200, body: o };
    }
    case 'list':
      return list(ctx, t, info);
    case 'create':
      return create(ctx, t, info, body);
    case 'update':
      return update(ctx, t, info, body);
    case 'patch':
      return patch(ctx, t, info, body, contentType);
    case 'delete':
      return remove(ctx, t, info, body);
    case 'deletecollection':
      return removeCollection(ctx, t, info, body);
    default:
      throw errors.methodNotAllowed();
  }
}
