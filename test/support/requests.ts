// MaintenanceRequests as a requester writes them, straight into the simulator, and what reboot-manager answered.
import type { KubeSim } from '../../src/sim/kube/index.js';

type Store = Pick<KubeSim, 'store'>;

export interface RequestObject {
  metadata: { name: string; uid?: string; resourceVersion?: string };
  spec: Record<string, unknown>;
  status?: {
    phase?: string;
    message?: string;
    times?: Record<string, string>;
    drain?: { evicted: number; total: number; blockers: string[]; done: boolean } | null;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

export function createRequest(sim: Store, name: string, spec: Record<string, unknown>): RequestObject {
  const body = { apiVersion: 'rebootmanager.io/v1alpha1', kind: 'MaintenanceRequest', metadata: { name }, spec: { reason: 'replace disk sdb', requester: 'alice', ...spec } };
  return sim.store.create('maintenancerequests', body) as unknown as RequestObject;
}

export function requestOf(sim: Store, name: string): RequestObject | undefined {
  return sim.store.get('maintenancerequests', undefined, name) as unknown as RequestObject | undefined;
}

/** The requester moves its work on (`spec.state`). */
export function setState(sim: Store, name: string, state: 'InProgress' | 'Completed'): void {
  const r = requestOf(sim, name);
  if (!r) throw new Error(`no MaintenanceRequest ${name}`);
  sim.store.update('maintenancerequests', { ...r, spec: { ...r.spec, state } });
}

/** Resolves with the request once its status says `phase` (and, if given, its message matches). */
export function phaseOf(sim: Store, name: string, phase: string, message?: RegExp): Promise<RequestObject> {
  return sim.store.waitFor(
    () => {
      const r = requestOf(sim, name);
      return r?.status?.phase === phase && (!message || message.test(r.status.message ?? '')) ? r : undefined;
    },
    { timeoutMs: 15_000, description: `MaintenanceRequest ${name} ${phase}${message ? ` ${String(message)}` : ''}` },
  );
}

export function condition(r: RequestObject, type: string): string | undefined {
  return r.status?.conditions?.find((c) => c.type === type)?.status;
}

/** The annotations that say who holds `node`'s slot. */
export function holderOf(sim: Store, node: string): { status?: string; source?: string; request?: string } {
  const a = sim.store.getNode(node)?.metadata.annotations ?? {};
  return { status: a['rebootmanager/status'], source: a['rebootmanager/source'], request: a['rebootmanager/request'] };
}
