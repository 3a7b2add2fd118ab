// What both benches do to the server under test: wait for /readyz, send one FleetLock request, keep a scenario's best round.
import { request } from 'undici';
import { zincatiId } from '../src/identity/app-specific-id.js';
import type { Child } from './processes.js';
import type { ScenarioResult } from './report.js';

export const HEADERS = { 'fleet-lock-protocol': 'true' };

/** Zincati's body for a machine: pretty-printed, as Zincati sends it. */
export function bodyFor(machineId: string): string {
  return JSON.stringify({ client_params: { group: 'default', id: zincatiId(machineId) } }, null, 2);
}

export async function waitReady(url: string, child: Child): Promise<void> {
  for (;;) {
    if (child.process.exitCode !== null) throw new Error('the server exited before it was ready');
    try {
      const res = await request(new URL('readyz', url));
      await res.body.dump();
      if (res.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20)); // polling readiness is the measurement here
  }
}

export async function post(url: string, path: string, body: string): Promise<{ status: number; text: string }> {
  const res = await request(new URL(path, url), { method: 'POST', headers: HEADERS, body });
  return { status: res.statusCode, text: await res.body.text() };
}

/** The faster of two runs of one scenario; Kubernetes calls are added up over both. */
export function best(a: ScenarioResult | undefined, b: ScenarioResult): ScenarioResult {
  if (!a) return b;
  const faster = b.load.perSecond > a.load.perSecond ? b : a;
  if (a.kubeCalls === undefined || b.kubeCalls === undefined) return faster;
  const kubeCalls: Record<string, number> = { ...a.kubeCalls };
  for (const [verb, n] of Object.entries(b.kubeCalls)) kubeCalls[verb] = (kubeCalls[verb] ?? 0) + n;
  return {
    ...faster,
    kubeCalls,
    kubeCallsPerRequest: Math.max(a.kubeCallsPerRequest ?? 0, b.kubeCallsPerRequest ?? 0),
    kubeReadsPerRequest: Math.max(a.kubeReadsPerRequest ?? 0, b.kubeReadsPerRequest ?? 0),
  };
}
