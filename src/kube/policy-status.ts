// The RebootPolicy's status: whether the server accepted the generation it last saw, as an `Accepted` condition.
import type { KubeApi } from './api.js';

export interface PolicyCondition {
  readonly observedGeneration: number;
  readonly accepted: boolean;
  /** CamelCase, e.g. `InForce`, `InvalidSpec`. */
  readonly reason: string;
  readonly message: string;
  /** RFC 3339. */
  readonly at: string;
}

/** Writes the `Accepted` condition (a merge patch of the status subresource replaces the conditions we own). */
export async function writePolicyStatus(api: KubeApi, name: string, c: PolicyCondition): Promise<void> {
  await api.patchCustom(
    'rebootpolicies',
    name,
    {
      status: {
        observedGeneration: c.observedGeneration,
        conditions: [{ type: 'Accepted', status: c.accepted ? 'True' : 'False', reason: c.reason, message: c.message.slice(0, 32_768), lastTransitionTime: c.at, observedGeneration: c.observedGeneration }],
      },
    },
    'status',
  );
}
