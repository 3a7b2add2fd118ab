// `reboot-manager status` without `--server`: the same rows, listed once with the operator's own kubeconfig.
import type { Clock } from '../clock/clock.js';
import type { KubeApi } from '../kube/api.js';
import { KubeError } from '../kube/errors.js';
import { MaintenanceRequests } from '../kube/maintenance-requests.js';
import { NodeCache } from '../kube/nodes.js';
import type { MaintenanceRequestView } from '../requests/request.js';
import { requestRows, type RequestRow } from './request-rows.js';
import { statusRows, type StatusRow } from './rows.js';
import { waitingRows, type WaitingRow } from './waiting-rows.js';

export interface ClusterStatus {
  readonly rows: StatusRow[];
  readonly requests: RequestRow[];
  readonly waiting: WaitingRow[];
  /** Why the requests could not be listed (their holders then show no requester or reason), else undefined. */
  readonly requestsUnavailable?: string;
}

/** Lists the Nodes and the MaintenanceRequests; no CRD installed means no requests, a refused list is said, not fatal. */
export async function clusterStatus(api: KubeApi, clock: Clock): Promise<ClusterStatus> {
  const nodes = await new NodeCache({ api, clock }).listOnce();
  let requests: MaintenanceRequestView[] = [];
  let requestsUnavailable: string | undefined;
  try {
    requests = await new MaintenanceRequests(api, clock).listOnce();
  } catch (err) {
    if (!(err instanceof KubeError)) throw err;
    if (err.code !== 'not_found') requestsUnavailable = err.message;
  }
  const now = clock.now();
  return { rows: statusRows(nodes, now, requests), requests: requestRows(requests, nodes, now), waiting: waitingRows(nodes, requests, now), ...(requestsUnavailable ? { requestsUnavailable } : {}) };
}
