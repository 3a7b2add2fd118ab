// Writes the RebootPolicy as an operator would and waits until the leader has judged that generation (its status says so).
import type { KubeSim } from '../../src/sim/kube/index.js';
import type { KubeObject } from '../../src/sim/kube/types.js';

export interface PolicyVerdict {
  readonly accepted: boolean;
  readonly message: string;
}

/** Creates or replaces the spec of RebootPolicy `default`; resolves with the Accepted condition the leader wrote for it. */
export async function applyPolicy(sim: KubeSim, spec: Record<string, unknown>): Promise<PolicyVerdict> {
  const old = sim.store.get('rebootpolicies', undefined, 'default');
  const written = old
    ? sim.store.update('rebootpolicies', { ...old, spec })
    : sim.store.create('rebootpolicies', { apiVersion: 'rebootmanager.io/v1alpha1', kind: 'RebootPolicy', metadata: { name: 'default' }, spec } as KubeObject);
  const generation = written.metadata.generation;
  let verdict: PolicyVerdict | undefined;
  await sim.store.waitFor(() => {
    const status = (sim.store.get('rebootpolicies', undefined, 'default') as { status?: { observedGeneration?: number; conditions?: { type: string; status: string; message: string }[] } } | undefined)?.status;
    const accepted = status?.conditions?.find((c) => c.type === 'Accepted');
    if (status?.observedGeneration !== generation || !accepted) return false;
    verdict = { accepted: accepted.status === 'True', message: accepted.message };
    return true;
  });
  if (!verdict) throw new Error('unreachable: waitFor resolved without a verdict');
  return verdict;
}

/** Sets node labels (a kubelet's or an operator's `kubectl label`). */
export function labelNode(sim: KubeSim, name: string, labels: Record<string, string>): void {
  sim.store.updateNode(name, (n) => {
    n.metadata.labels = { ...n.metadata.labels, ...labels };
  });
}
