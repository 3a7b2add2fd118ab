// The three patch formats the API accepts: JSON merge (RFC 7386), strategic merge, JSON patch (RFC 6902).
import { errors, StatusError } from './errors.js';
import { clone, deepEqual, isPlainObject } from './util.js';

export type PatchType = 'merge' | 'strategic' | 'json';

export function patchTypeOf(contentType: string | undefined): PatchType {
  const ct = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (ct === 'application/merge-patch+json') return 'merge';
  if (ct === 'application/strategic-merge-patch+json') return 'strategic';
  if (ct === 'application/json-patch+json') return 'json';
  throw errors.unsupportedMediaType(ct || '(none)');
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** List fields merged by a key in strategic merge patches, as in the Kubernetes types' patchMergeKey. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  env: 'name',
  ports: 'containerPort',
  conditions: 'type',
  addresses: 'type',
  taints: 'key',
  ownerReferences: 'uid',
  containerStatuses: 'name',
  images: 'names',
};

function isDirective(k: string): boolean {
  return k.startsWith('$setElementOrder/') || k.startsWith('$deleteFromPrimitiveList/') || k === '$retainKeys';
}

function mergeList(target: unknown, patch: unknown[], key: string | undefined): unknown[] {
  if (!key || !Array.isArray(target)) return patch.filter((p) => !(isPlainObject(p) && p.$patch === 'delete')).map((p) => strategic(undefined, p));
  const out: unknown[] = [...(target as unknown[])];
  for (const item of patch) {
    if (!isPlainObject(item)) continue;
    if (item.$patch === 'replace') return patch.filter((p) => !(isPlainObject(p) && p.$patch)).map((p) => clone(p));
    const idx = out.findIndex((o) => isPlainObject(o) && deepEqual(o[key], item[key]));
    if (item.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
    } else if (idx >= 0) out[idx] = strategic(out[idx], item);
    else out.push(strategic(undefined, item));
  }
  return out;
}

/** Merge semantics, plus lists merged by their Kubernetes merge key and `$patch` directives. */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  return strategic(target, patch);
}

function strategic(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const rest = { ...patch };
    delete rest.$patch;
    return clone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (isDirective(k) || k === '$patch') continue;
    if (v === null) delete out[k];
    else if (Array.isArray(v)) out[k] = mergeList(out[k], v, MERGE_KEYS[k]);
    else {
      const merged = strategic(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
  }
  return out;
}

interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function unescapePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw errors.unprocessable(`invalid JSON pointer: ${p}`);
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function resolveParent(doc: unknown, parts: string[], path: string): { parent: Container; key: string } {
  let cur: unknown = doc;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (isPlainObject(cur)) cur = cur[part];
    else cur = undefined;
    if (cur === undefined) throw errors.unprocessable(`jsonpatch: doc is missing path: "${path}": missing value`);
  }
  if (!Array.isArray(cur) && !isPlainObject(cur)) throw errors.unprocessable(`jsonpatch: doc is missing path: "${path}": missing value`);
  return { parent: cur, key: parts[parts.length - 1] ?? '' };
}

function getAt(doc: unknown, path: string): unknown {
  const parts = unescapePointer(path);
  if (parts.length === 0) return doc;
  const { parent, key } = resolveParent(doc, parts, path);
  const v = Array.isArray(parent) ? parent[Number(key)] : parent[key];
  if (v === undefined) throw errors.unprocessable(`jsonpatch: doc is missing path: "${path}": missing value`);
  return v;
}

function arrayIndex(arr: unknown[], key: string, forAdd: boolean, path: string): number {
  if (forAdd && key === '-') return arr.length;
  const i = Number(key);
  const max = forAdd ? arr.length : arr.length - 1;
  if (!/^\d+$/.test(key) || i > max) throw errors.unprocessable(`jsonpatch: index out of bounds at "${path}"`);
  return i;
}

function addAt(doc: unknown, path: string, value: unknown): unknown {
  const parts = unescapePointer(path);
  if (parts.length === 0) return clone(value);
  const { parent, key } = resolveParent(doc, parts, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true, path), 0, clone(value));
  else parent[key] = clone(value);
  return doc;
}

function removeAt(doc: unknown, path: string): unknown {
  const parts = unescapePointer(path);
  const { parent, key } = resolveParent(doc, parts, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false, path), 1);
  else {
    if (!(key in parent)) throw errors.unprocessable(`jsonpatch: remove operation does not apply: doc is missing path: "${path}": missing value`);
    delete parent[key];
  }
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw errors.badRequest('json patch must be an array of operations');
  let doc = clone(target);
  for (const raw of ops as JsonPatchOp[]) {
    if (!isPlainObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw errors.badRequest('invalid json patch operation');
    }
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, raw.path, raw.value);
        break;
      case 'remove':
        doc = removeAt(doc, raw.path);
        break;
      case 'replace':
        getAt(doc, raw.path);
        doc = addAt(removeAt(doc, raw.path), raw.path, raw.value);
        break;
      case 'move': {
        const v = getAt(doc, raw.from ?? '');
        doc = addAt(removeAt(doc, raw.from ?? ''), raw.path, v);
        break;
      }
      case 'copy':
        doc = addAt(doc, raw.path, getAt(doc, raw.from ?? ''));
        break;
      case 'test': {
        let actual: unknown;
        try {
          actual = getAt(doc, raw.path);
        } catch (e) {
          if (!(e instanceof StatusError)) throw e;
          actual = undefined;
        }
        if (!deepEqual(actual, raw.value)) throw errors.unprocessable(`the server rejected our request due to an error in our request: testing value ${raw.path} failed: test failed`);
        break;
      }
      default:
        throw errors.badRequest(`unexpected json patch operation ${raw.op}`);
    }
  }
  return doc;
}

export function applyPatch(type: PatchType, target: unknown, patch: unknown): unknown {
  if (type === 'json') return jsonPatch(target, patch);
  if (!isPlainObject(patch)) throw errors.badRequest('patch body must be a JSON object');
  return type === 'merge' ? mergePatch(target, patch) : strategicMergePatch(target, patch);
}
