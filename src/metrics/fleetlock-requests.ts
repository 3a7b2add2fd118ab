// reboot_manager_fleetlock_requests_total{endpoint,result}: counted where the HTTP layer sends the answer.
import { Counter, type Registry } from 'prom-client';
import type { FleetLockEndpoint } from '../fleetlock/endpoint.js';
import type { FleetLockOutcomes, AnswerLabel } from '../fleetlock/outcomes.js';
import { REFUSAL_STATUS, type RefusalKind } from '../fleetlock/refusal.js';

/** Requests that named no FleetLock endpoint (wrong path, malformed URL). */
export const OTHER_ENDPOINT = 'other';

const KINDS = Object.keys(REFUSAL_STATUS) as RefusalKind[];
// Every series a dashboard may rate() exists from the start, at 0.
const EXPECTED: Readonly<Record<string, readonly AnswerLabel[]>> = {
  'pre-reboot': ['granted', ...KINDS],
  'steady-state': ['ok', ...KINDS],
  [OTHER_ENDPOINT]: ['bad_request', 'not_found', 'unavailable'],
};

export class FleetLockRequests implements FleetLockOutcomes {
  private readonly counter: Counter<'endpoint' | 'result'>;
  // Children looked up by endpoint then result: no label hashing or string building per request.
  private readonly children = new Map<string, Map<string, Counter.Internal>>();

  constructor(registry: Registry) {
    this.counter = new Counter({
      name: 'reboot_manager_fleetlock_requests_total',
      help: 'FleetLock requests answered, by endpoint (pre-reboot, steady-state, other) and result (granted, ok, or the refusal kind).',
      labelNames: ['endpoint', 'result'],
      registers: [registry],
    });
    for (const [endpoint, results] of Object.entries(EXPECTED)) for (const result of results) this.child(endpoint, result).inc(0);
  }

  answered(endpoint: FleetLockEndpoint | undefined, result: AnswerLabel): void {
    this.child(endpoint ?? OTHER_ENDPOINT, result).inc();
  }

  private child(endpoint: string, result: string): Counter.Internal {
    let byResult = this.children.get(endpoint);
    if (!byResult) this.children.set(endpoint, (byResult = new Map<string, Counter.Internal>()));
    let child = byResult.get(result);
    if (!child) byResult.set(result, (child = this.counter.labels(endpoint, result)));
    return child;
  }
}
