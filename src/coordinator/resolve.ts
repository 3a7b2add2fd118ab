import { Refusal } from '../fleetlock/refusal.js';
import type { NodeIndex } from '../identity/node-index.js';
import type { NodeView } from '../kube/node-view.js';

/** The Node a FleetLock id names, from the watch-fed index (no API call), or the refusal that says why not. */
export function resolveNode(id: string, index: NodeIndex, get: (name: string) => NodeView | undefined): NodeView | Refusal {
  const found = index.lookup(id);
  if (found.kind === 'unknown') {
    return new Refusal(
      'unknown_id',
      `no Node has machine-id or Zincati id ${id}: check that the kubelet reports the host's /etc/machine-id in status.nodeInfo.machineID and that Zincati's [identity] node_uuid override is not set`,
    );
  }
  if (found.kind === 'duplicate') {
    return new Refusal(
      'duplicate_id',
      `nodes ${found.names.join(', ')} all report machine-id ${found.machineId}: their kubelets do not see the host's /etc/machine-id (mount it into a containerised kubelet) so the caller cannot be told apart`,
    );
  }
  return get(found.name) ?? new Refusal('unknown_id', `node ${found.name} was just deleted`);
}
