// The pods/eviction subresource: a graceful delete guarded by the pod's PodDisruptionBudget, as the API server judges it.
import type { Deleter, DeleteOptions } from './deletion.js';
import { parseDeleteOptions } from './deletion.js';
import { errors, StatusError } from './errors.js';
import { podPhase, podReady, podTerminating } from './objects.js';
import { labelSelectorMatches } from './selectors.js';
import type { ObjectStore } from './store.js';
import { typeByName } from './resources.js';
import type { PdbObject } from './types.js';
import { isPlainObject, nowTime } from './util.js';

const PODS = typeByName('pods');
const PDBS = typeByName('poddisruptionbudgets');

export const SUCCESS_STATUS = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };

function tooMany(message: string, retryAfterSeconds = 0): StatusError {
  // Like errors.NewTooManyRequests: a zero retryAfterSeconds is left out of the body and sends no Retry-After.
  return new StatusError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
    ...(retryAfterSeconds > 0 ? { retryAfterSeconds } : {}),
    causes: [{ reason: 'DisruptionBudget', message }],
  });
}

/** Spends one allowed disruption of the budget from its stored status (not a fresh count), as the API server does. */
function checkAndDecrement(store: ObjectStore, pdb: PdbObject, podName: string, ready: boolean): void {
  const name = pdb.metadata.name ?? '';
  const status = pdb.status ?? {};
  // A budget the disruption controller has not looked at yet refuses every eviction.
  if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1)) throw tooMany(`The disruption budget ${name} is still being processed by the server.`, 10);
  const healthy = status.currentHealthy ?? 0;
  const desired = status.desiredHealthy ?? 0;
  if (!ready && healthy >= desired && desired > 0) return;
  const allowed = status.disruptionsAllowed ?? 0;
  if (allowed <= 0) throw tooMany(`The disruption budget ${name} needs ${desired} healthy pods and has ${healthy} currently`);
  // Counted as disrupted until the controller sees it gone, as the API server records it in status.disruptedPods.
  const disruptedPods = { ...status.disruptedPods, [podName]: nowTime(store.clock) };
  store.update(PDBS, { ...pdb, status: { ...status, disruptedPods, disruptionsAllowed: allowed - 1 } });
}

/** Runs synchronously from check to delete, so two evictions can never both spend one allowed disruption. */
export function evict(store: ObjectStore, deleter: Deleter, ns: string, name: string, body: unknown): typeof SUCCESS_STATUS {
  if (!isPlainObject(body)) throw errors.badRequest('eviction body must be a policy/v1 Eviction');
  const meta = isPlainObject(body.metadata) ? body.metadata : {};
  if (meta.name !== undefined && meta.name !== name) throw errors.badRequest('name in URL does not match name in Eviction object');
  const opts: DeleteOptions = isPlainObject(body.deleteOptions) ? parseDeleteOptions(body.deleteOptions, new URLSearchParams()) : {};

  const pod = store.get(PODS, ns, name);
  if (!pod) throw errors.notFound({ resource: 'pods', group: '', name });
  const phase = podPhase(pod);
  if (podTerminating(pod) || phase === 'Pending' || phase === 'Succeeded' || phase === 'Failed') {
    deleter.delete(PODS, ns, name, opts);
    return SUCCESS_STATUS;
  }
  const pdbs = store.list(PDBS, ns).filter((p) => labelSelectorMatches((p as PdbObject).spec.selector, pod.metadata.labels)) as PdbObject[];
  if (pdbs.length > 1) throw errors.plain500('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  const pdb = pdbs[0];
  if (pdb) checkAndDecrement(store, pdb, name, podReady(pod));
  // Preconditions are checked by the delete, after the budget was spent: a wrong uid still costs a disruption.
  deleter.delete(PODS, ns, name, opts);
  return SUCCESS_STATUS;
}
