// A replica's view of the API: answers and watch events reach the process only while it runs.
import type { KubeApi } from '../../kube/api.js';
import type { ProcessGate } from './replica-clock.js';

/** `api` as seen by the process behind `gate`: a paused process gets its answers on resume, a dead one never. */
export function gatedApi(api: KubeApi, gate: ProcessGate): KubeApi {
  const through = async <T>(call: () => Promise<T>): Promise<T> => {
    let result: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      result = { ok: true, value: await call() };
    } catch (error) {
      result = { ok: false, error };
    }
    await gate.pass();
    if (result.ok) return result.value;
    throw result.error;
  };
  return {
    origin: api.origin,
    list: (collection, query) => through(() => api.list(collection, query)),
    watch: (collection, query, onEvent, onDone) =>
      through(() =>
        api.watch(
          collection,
          query,
          (type, object) => gate.deliver(() => onEvent(type, object)),
          (err) => gate.deliver(() => onDone(err)),
        ),
      ),
    readNode: (name) => through(() => api.readNode(name)),
    patchNode: (name, patch) => through(() => api.patchNode(name, patch)),
    patchNodeStatus: (name, patch) => through(() => api.patchNodeStatus(name, patch)),
    evictPod: (ns, name, uid) => through(() => api.evictPod(ns, name, uid)),
    deletePod: (ns, name, uid) => through(() => api.deletePod(ns, name, uid)),
    readLease: (ns, name) => through(() => api.readLease(ns, name)),
    createLease: (ns, name, lease) => through(() => api.createLease(ns, name, lease)),
    replaceLease: (ns, name, lease) => through(() => api.replaceLease(ns, name, lease)),
    createEvent: (ns, event) => through(() => api.createEvent(ns, event)),
    readCustom: (resource, name) => through(() => api.readCustom(resource, name)),
    createCustom: (resource, body) => through(() => api.createCustom(resource, body)),
    patchCustom: (resource, name, patch, subresource) => through(() => api.patchCustom(resource, name, patch, subresource)),
    replaceCustomStatus: (resource, name, status) => through(() => api.replaceCustomStatus(resource, name, status)),
  };
}
