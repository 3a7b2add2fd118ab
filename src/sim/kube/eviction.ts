// The pods/eviction subresource: a graceful delete guarded by the pod's PodDisruptionBudget.
import type { Deleter, DeleteOptions } from './deletion.js';
import { checkPreconditions, parseDeleteOptions } from './deletion.js';
import { errors, StatusError } from './errors.js';
import { podPhase, podReady, podTerminating } from './objects.js';
import { computePdbStatus } from './pdb.js';
import { labelSelectorMatches } from './selectors.js';
import type { ObjectStore } from './store.js';
import { typeByName } from './resources.js';
import type { PdbObject } from './types.js';
import { isPlainObject, nowTime } from './util.js';

const PODS = typeByName('pods');
const PDBS = typeByName('poddisruptionbudgets');

export const SUCCESS_STATUS = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };

function tooMany(message: string): StatusError {
  return new StatusError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
    causes: [{ reason: 'DisruptionBudget', message }],
  });
}

/** Runs synchronously from check to delete, so two evictions can never both spend one allowed disruption. */
export function evict(store: ObjectStore, deleter: Deleter, ns: string, name: string, body: unknown): typeof SUCCESS_STATUS {
  if (!isPlainObject(body)) throw errors.badRequest('eviction body must be a policy/v1 Eviction');
  const meta = isPlainObject(body.metadata) ? body.metadata : {};
  if (meta.name !== undefined && meta.name !== name) throw errors.badRequest('name in URL does not match name in Eviction object');
  const opts: DeleteOptions = isPlainObject(body.deleteOptions) ? parseDeleteOptions(body.deleteOptions, new URLSearchParams()) : {};

  const pod = store.get(PODS, ns, name);
  if (!pod) throw errors.notFound({ resource: 'pods', group: '', name });
  checkPreconditions(PODS, pod, opts.preconditions);

  const phase = podPhase(pod);
  if (podTerminating(pod) || phase === 'Pending' || phase === 'Succeeded' || phase === 'Failed') {
    deleter.delete(PODS, ns, name, opts);
    return SUCCESS_STATUS;
  }
  const pdbs = store.list(PDBS, ns).filter((p) => labelSelectorMatches((p as PdbObject).spec.selector, pod.metadata.labels)) as PdbObject[];
  if (pdbs.length > 1) throw errors.internal('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  const pdb = pdbs[0];
  if (pdb) {
    const status = computePdbStatus(store, pdb);
    const healthy = status.currentHealthy ?? 0;
    const desired = status.desiredHealthy ?? 0;
    const allowed = status.disruptionsAllowed ?? 0;
    const unhealthyPodCanGo = !podReady(pod) && healthy >= desired;
    if (!unhealthyPodCanGo) {
      if (allowed <= 0) throw tooMany(`The disruption budget ${pdb.metadata.name ?? ''} needs ${desired} healthy pods and has ${healthy} currently`);
      // Counted as disrupted until it is gone, as the API server records it in status.disruptedPods.
      const disruptedPods = { ...status.disruptedPods, [name]: nowTime(store.clock) };
      store.update(PDBS, { ...pdb, status: { ...status, disruptedPods, disruptionsAllowed: allowed - 1 } });
    }
  }
  deleter.delete(PODS, ns, name, opts);
  return SUCCESS_STATUS;
}
