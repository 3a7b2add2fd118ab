// The Node status traffic of a real fleet: each kubelet re-posts its Node status every 5 minutes, so every Node watcher sees it.
import type { AdminClient } from '../../kit/admin-client.js';

/** The kubelet's default nodeStatusReportFrequency: an unchanged status is re-posted this often. */
export const REPORT_EVERY_MS = 5 * 60_000;

export interface Heartbeats {
  /** Status updates written so far, and how many failed. */
  readonly written: () => { ok: number; failed: number };
  stop(): Promise<void>;
}

/** Re-posts the Ready condition of each named Node once per REPORT_EVERY_MS, spread evenly (5,000 Nodes: ~17 writes/s). */
export function startHeartbeats(admin: AdminClient, names: readonly string[]): Heartbeats {
  let ok = 0;
  let failed = 0;
  let next = 0;
  const inFlight = new Set<Promise<void>>();
  const beat = (): void => {
    const name = names[next++ % names.length];
    if (name === undefined || inFlight.size > 32) return; // the API server is behind: skip, as a late kubelet would
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const condition = { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now };
    const p = admin.ok('PATCH', `/api/v1/nodes/${name}/status`, { status: { conditions: [condition] } }, 'strategic').then(
      () => void ok++,
      () => void failed++,
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const timer = setInterval(beat, Math.max(1, REPORT_EVERY_MS / Math.max(1, names.length)));
  return {
    written: () => ({ ok, failed }),
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}
