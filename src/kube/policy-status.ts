// The RebootPolicy's status: whether the server accepted the generation it last saw, as an `Accepted` condition, and
// the last generation it accepted with its spec (`inForce`), which a replica starting during a rejected edit falls back on.
import type { KubeApi } from './api.js';
import type { InForceRecord } from './policy-objects.js';

export interface PolicyCondition {
  readonly observedGeneration: number;
  readonly accepted: boolean;
  /** CamelCase, e.g. `InForce`, `InvalidSpec`. */
  readonly reason: string;
  readonly message: string;
  /** RFC 3339. */
  readonly at: string;
}

function statusOf(c: PolicyCondition) {
  return {
    observedGeneration: c.observedGeneration,
    conditions: [{ type: 'Accepted', status: c.accepted ? 'True' : 'False', reason: c.reason, message: c.message.slice(0, 32_768), lastTransitionTime: c.at, observedGeneration: c.observedGeneration }],
  };
}

/** A rejection: writes the `Accepted` condition (a merge patch of the status subresource), leaving `inForce` as it is. */
export async function writePolicyStatus(api: KubeApi, name: string, c: PolicyCondition): Promise<void> {
  await api.patchCustom('rebootpolicies', name, { status: statusOf(c) }, 'status');
}

/** An acceptance: replaces the whole status, so `inForce.spec` is exactly the accepted spec (a merge patch would keep removed keys). */
export async function writeAcceptedPolicyStatus(api: KubeApi, name: string, c: PolicyCondition, inForce: InForceRecord): Promise<void> {
  await api.replaceCustomStatus('rebootpolicies', name, { ...statusOf(c), inForce: { generation: inForce.generation, spec: inForce.spec ?? {} } });
}
