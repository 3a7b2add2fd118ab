import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** The server's Prometheus metrics; one registry per server so tests can run several side by side. */
export interface ServerMetrics {
  readonly registry: Registry;
  /** Holders that have held their slot longer than --stale-after. */
  readonly staleHolders: Gauge;
}

export function createServerMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'reboot_manager_process_' });
  return {
    registry,
    staleHolders: new Gauge({ name: 'reboot_manager_stale_holders', help: 'Nodes holding a reboot slot for longer than --stale-after.', registers: [registry] }),
  };
}
