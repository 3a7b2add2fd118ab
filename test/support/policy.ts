// Writes the RebootPolicy as an operator would and waits until the leader has judged that generation (its status says so).
import type { KubeSim } from '../../src/sim/kube/index.js';

/** The HTTP simulator or an in-process cluster: both have the simulator's store. */
type Store = Pick<KubeSim, 'store'>;

export interface PolicyVerdict {
  readonly accepted: boolean;
  readonly message: string;
}

/** Creates or replaces the spec of RebootPolicy `default`; returns the generation written. */
export function writePolicy(sim: Store, spec: Record<string, unknown>): number | undefined {
  const old = sim.store.get('rebootpolicies', undefined, 'default');
  const written = old
    ? sim.store.update('rebootpolicies', { ...old, spec })
    : sim.store.create('rebootpolicies', { apiVersion: 'rebootmanager.io/v1alpha1', kind: 'RebootPolicy', metadata: { name: 'default' }, spec });
  return written.metadata.generation;
}

/** The Accepted condition the leader wrote for `generation`, once it has. */
export function verdictOf(sim: Store, generation: number | undefined): PolicyVerdict | undefined {
  const status = (sim.store.get('rebootpolicies', undefined, 'default') as { status?: { observedGeneration?: number; conditions?: { type: string; status: string; message: string }[] } } | undefined)?.status;
  const accepted = status?.conditions?.find((c) => c.type === 'Accepted');
  if (status?.observedGeneration !== generation || !accepted) return undefined;
  return { accepted: accepted.status === 'True', message: accepted.message };
}

/** Creates or replaces the spec of RebootPolicy `default`; resolves with the Accepted condition the leader wrote for it. */
export async function applyPolicy(sim: Store, spec: Record<string, unknown>): Promise<PolicyVerdict> {
  const generation = writePolicy(sim, spec);
  return sim.store.waitFor(() => verdictOf(sim, generation));
}

/** Resolves with the Accepted condition the leader wrote for the current generation of `default`: a write made elsewhere (`pause`). */
export function policyJudged(sim: Store): Promise<PolicyVerdict> {
  const generation = () => (sim.store.get('rebootpolicies', undefined, 'default') as { metadata: { generation?: number } } | undefined)?.metadata.generation;
  return sim.store.waitFor(() => verdictOf(sim, generation()));
}

/** Sets node labels (a kubelet's or an operator's `kubectl label`). */
export function labelNode(sim: Store, name: string, labels: Record<string, string>): void {
  sim.store.updateNode(name, (n) => {
    n.metadata.labels = { ...n.metadata.labels, ...labels };
  });
}
