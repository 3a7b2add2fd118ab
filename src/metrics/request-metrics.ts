// Metrics of MaintenanceRequests: how many are in each phase (read from the cache at scrape time), how they ended, overruns.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RequestMetrics } from '../coordinator/coordinator-metrics.js';
import type { MaintenanceRequestView, RequestPhase } from '../requests/request.js';

const PHASES: readonly RequestPhase[] = ['Pending', 'Approved', 'InProgress', 'Completed', 'Expired', 'Rejected'];
const OUTCOMES = ['Approved', 'Completed', 'Expired', 'Rejected'] as const;

export class MaintenanceRequestMetrics implements RequestMetrics {
  private readonly transitions: Counter<'phase'>;
  private readonly overruns: Counter;

  constructor(registry: Registry, requests: () => Iterable<MaintenanceRequestView>) {
    const registers = [registry];
    new Gauge({
      name: 'reboot_manager_maintenance_requests',
      help: 'MaintenanceRequest objects by status.phase (Pending also counts requests reboot-manager has not written yet).',
      labelNames: ['phase'],
      registers,
      collect() {
        const counts = new Map(PHASES.map((p) => [p, 0]));
        for (const r of requests()) counts.set(r.status?.phase ?? 'Pending', (counts.get(r.status?.phase ?? 'Pending') ?? 0) + 1);
        for (const [phase, n] of counts) this.set({ phase }, n);
      },
    });
    this.transitions = new Counter({ name: 'reboot_manager_maintenance_request_transitions_total', help: 'MaintenanceRequests this leader approved, completed, expired or rejected.', labelNames: ['phase'], registers });
    this.overruns = new Counter({ name: 'reboot_manager_maintenance_request_overruns_total', help: 'MaintenanceRequests whose work ran past spec.finishWithinSeconds.', registers });
    for (const phase of OUTCOMES) this.transitions.inc({ phase }, 0);
  }

  entered(phase: RequestPhase): void {
    this.transitions.inc({ phase });
  }

  overran(): void {
    this.overruns.inc();
  }
}
