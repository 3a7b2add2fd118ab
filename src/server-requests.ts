// Wiring of MaintenanceRequests into one replica: their watch, the driver that moves them on, their metrics.
import type { Logger } from 'pino';
import type { Clock } from './clock/clock.js';
import type { Coordinator } from './coordinator/coordinator.js';
import { RequestDriver } from './coordinator/request-driver.js';
import type { KubeApi } from './kube/api.js';
import type { KubeError } from './kube/errors.js';
import type { EventRecorder } from './kube/events.js';
import { MaintenanceRequests } from './kube/maintenance-requests.js';
import type { NodeCache } from './kube/nodes.js';
import { writeRequestStatus } from './kube/request-status.js';
import { MaintenanceRequestMetrics } from './metrics/request-metrics.js';
import type { ServerMetrics } from './metrics/registry.js';
import type { SlotIndex } from './slot/holders.js';

export interface RequestWiring {
  readonly api: KubeApi;
  readonly clock: Clock;
  readonly random?: () => number;
  readonly nodes: NodeCache;
  readonly slots: SlotIndex;
  readonly coordinator: Coordinator;
  readonly events: EventRecorder;
  readonly log: Logger;
  readonly metrics: ServerMetrics;
  readonly isLeader: () => boolean;
  readonly sweepIntervalMs: number;
  readonly urgentGroups: ReadonlySet<string>;
}

export function wireRequests(w: RequestWiring) {
  let warnedMissing = false;
  const onError = (err: KubeError): void => {
    // No CRD installed: requests are simply off until it is; said once, the watch keeps trying quietly.
    if (err.code === 'not_found') {
      if (!warnedMissing) w.log.warn('the MaintenanceRequest resource is not installed (kubectl apply -k kubernetes/): maintenance requests are off until it is');
      warnedMissing = true;
      return;
    }
    w.log.error({ err: err.message, code: err.code }, 'MaintenanceRequest watch failed; retrying');
  };
  const requests = new MaintenanceRequests(w.api, w.clock, { onError, ...(w.random ? { random: w.random } : {}) });
  const metrics = new MaintenanceRequestMetrics(w.metrics.registry, () => requests.values());
  const driver = new RequestDriver({
    requests: { values: () => requests.values(), get: (n) => requests.get(n), on: (l) => requests.on(() => l()), get synced() { return requests.synced; } },
    nodes: w.nodes,
    slots: w.slots,
    keeper: w.coordinator.keeper,
    writeStatus: (name, rv, status) => writeRequestStatus(w.api, name, rv, status),
    events: w.events,
    log: w.log,
    clock: w.clock,
    isLeader: w.isLeader,
    sweepIntervalMs: w.sweepIntervalMs,
    urgentGroups: w.urgentGroups,
    metrics,
  });
  return {
    requests,
    driver,
    start(): void {
      driver.start();
      requests.start();
    },
    stop(): void {
      driver.stop();
      requests.stop();
    },
  };
}
