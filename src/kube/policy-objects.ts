// Watch-fed cache of RebootPolicy objects: the server reads the one named `default`.
import type { Clock } from '../clock/clock.js';
import type { KubeApi } from './api.js';
import type { KubeError } from './errors.js';
import { Reflector } from './reflector.js';

/** The policy object reboot-manager reads; any other name is reported and ignored (the CRD refuses them). */
export const POLICY_NAME = 'default';

export interface PolicyObjectView {
  readonly name: string;
  readonly uid: string;
  /** Bumped by the API server on every spec change, not on status writes. */
  readonly generation: number;
  /** The spec as written, validated by the server's parser, not here. */
  readonly spec: unknown;
  /** `status.inForce`: the last generation a leader accepted, with its spec, for a replica that starts while a later edit is rejected. */
  readonly inForce?: InForceRecord;
}

/** The last accepted generation and its spec, as the leader stores them in the status. */
export interface InForceRecord {
  readonly generation: number;
  readonly spec: unknown;
}

interface RawPolicy {
  metadata?: { name?: string; uid?: string; generation?: number };
  spec?: unknown;
  status?: { inForce?: { generation?: unknown; spec?: unknown } };
}

export function toPolicyObjectView(raw: unknown): PolicyObjectView {
  const p = raw as RawPolicy;
  const stored = p.status?.inForce;
  const inForce = typeof stored?.generation === 'number' ? { generation: stored.generation, spec: stored.spec } : undefined;
  return { name: p.metadata?.name ?? '', uid: p.metadata?.uid ?? '', generation: p.metadata?.generation ?? 0, spec: p.spec, ...(inForce ? { inForce } : {}) };
}

export class PolicyObjects extends Reflector<PolicyObjectView> {
  constructor(api: KubeApi, clock: Clock, opts: { onError?: (err: KubeError) => void; random?: () => number } = {}) {
    super({
      what: 'RebootPolicy objects',
      api,
      clock,
      collection: 'rebootpolicies',
      pageSize: 50,
      transform: toPolicyObjectView,
      keyOf: (p) => p.name,
      // Our own status writes change neither: they raise no event (the cached view still takes the new status.inForce).
      equal: (a, b) => a.uid === b.uid && a.generation === b.generation,
      ...(opts.random ? { random: opts.random } : {}),
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
  }
}
