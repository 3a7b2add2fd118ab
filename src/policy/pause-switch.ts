// `reboot-manager pause` and `resume`: set or clear spec.pause of the RebootPolicy the server reads.
import { POLICY_API_VERSION, type KubeApi } from '../kube/api.js';
import { KubeError } from '../kube/errors.js';
import { POLICY_NAME } from '../kube/policy-objects.js';
import type { Pause } from './policy.js';

export interface Paused {
  /** No RebootPolicy existed: one holding only spec.pause was created (the flags stay the budgets). */
  readonly created: boolean;
  /** The pause this one replaced, if new reboots were paused already. */
  readonly replaced: Pause | undefined;
  /** The server's verdict on the current spec, when it rejects it: the pause applies all the same, on top of the last accepted policy. */
  readonly rejected: string | undefined;
}

export interface Resumed {
  /** The pause lifted; undefined: new reboots were not paused, nothing changed. */
  readonly lifted: Pause | undefined;
  /** As for `Paused`: lifting the pause applies even while the rest of the spec is rejected. */
  readonly rejected: string | undefined;
}

interface RawPolicy {
  metadata?: { generation?: number };
  spec?: { pause?: Partial<Pause> | null };
  status?: { observedGeneration?: number; conditions?: { type?: string; status?: string; message?: string }[] };
}

/** The policy object, or undefined when there is none. */
async function read(api: KubeApi): Promise<RawPolicy | undefined> {
  try {
    return (await api.readCustom('rebootpolicies', POLICY_NAME)) as RawPolicy;
  } catch (err) {
    if (err instanceof KubeError && err.code === 'not_found') return undefined;
    throw err;
  }
}

function pauseOf(policy: RawPolicy | undefined): Pause | undefined {
  const p = policy?.spec?.pause;
  if (p === undefined || p === null) return undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return { reason: text(p.reason), by: text(p.by), since: text(p.since) };
}

/** The server's verdict on the generation it last judged, when that verdict is a rejection of the current spec. */
function rejection(policy: RawPolicy): string | undefined {
  const accepted = policy.status?.conditions?.find((c) => c.type === 'Accepted');
  if (accepted?.status !== 'False' || policy.status?.observedGeneration !== policy.metadata?.generation) return undefined;
  return accepted.message ?? '';
}

/** Pauses new reboots: merge-patches spec.pause, or creates the object holding only it. */
export async function pauseReboots(api: KubeApi, pause: Pause): Promise<Paused> {
  const current = await read(api);
  if (!current) {
    try {
      await api.createCustom('rebootpolicies', { apiVersion: POLICY_API_VERSION, kind: 'RebootPolicy', metadata: { name: POLICY_NAME }, spec: { pause } });
      return { created: true, replaced: undefined, rejected: undefined };
    } catch (err) {
      if (err instanceof KubeError && err.code === 'not_found') throw new KubeError('not_found', 'the RebootPolicy resource is not installed: kubectl apply -k kubernetes/ installs its CustomResourceDefinition', { cause: err });
      // Someone created it in between: patch theirs.
      if (!(err instanceof KubeError && err.code === 'conflict')) throw err;
    }
  }
  await api.patchCustom('rebootpolicies', POLICY_NAME, { spec: { pause } });
  return { created: false, replaced: pauseOf(current), rejected: current ? rejection(current) : undefined };
}

/** Lifts the pause: removes spec.pause (merge-patch null). Nothing to lift: nothing written. */
export async function resumeReboots(api: KubeApi): Promise<Resumed> {
  const current = await read(api);
  const lifted = pauseOf(current);
  if (!lifted) return { lifted: undefined, rejected: undefined };
  await api.patchCustom('rebootpolicies', POLICY_NAME, { spec: { pause: null } });
  return { lifted, rejected: current ? rejection(current) : undefined };
}

/** What `pause` and `resume` add while the server rejects the rest of the spec: their change applies all the same. */
export function restRejectedText(verdict: string, applies: string): string {
  return `note: the rest of RebootPolicy default stays rejected (the server's verdict on the last edit: ${verdict}); ${applies}`;
}
