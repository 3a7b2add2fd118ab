// Half the histories run under a RebootPolicy fixed from the start (zones, a pool, percentages), so the one promise is
// checked per zone and per pool too. Drawn from a stream of its own: a seed's history without one is unchanged.
import { DEFAULT_HEALTH_GATE } from '../../policy/health-gate.js';
import { parsePolicySpec } from '../../policy/parse.js';
import type { ScopePolicy } from '../../slot/pools.js';
import type { SimStore } from '../kube/sim-store.js';
import { seededRandom } from '../fleet/random.js';

export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const POOL_LABEL = 'example.com/pool';

export interface DstPolicy {
  /** The RebootPolicy's spec, as an operator writes it. */
  readonly spec: Record<string, unknown>;
  /** Its budgets, as the invariants check them. */
  readonly scopes: ScopePolicy;
  /** Node `node-<i>`'s labels: its zone, and the pool label on odd nodes. */
  labels(i: number): Record<string, string>;
}

/** Undefined for half the seeds; otherwise 2 or 3 zones of one node out each, a pool of odd nodes at 50 %, a cluster cap. */
export function drawPolicy(seed: number, maxRebooting: number): DstPolicy | undefined {
  const random = seededRandom(seed ^ 0x5eed_c0de);
  if (random() < 0.5) return undefined;
  const zones = 2 + Math.floor(random() * 2);
  const spec = {
    maxUnavailable: random() < 0.5 ? '50%' : maxRebooting + 1,
    topology: { key: ZONE_LABEL, maxUnavailable: 1 },
    pools: [{ name: 'odd', nodeSelector: { matchLabels: { [POOL_LABEL]: 'odd' } }, maxUnavailable: '50%' }],
  };
  const scopes = parsePolicySpec(spec, { maxUnavailable: maxRebooting, countUnavailable: false, healthGate: DEFAULT_HEALTH_GATE }).budget;
  return {
    spec,
    scopes,
    labels: (i) => ({ [ZONE_LABEL]: `zone-${'abc'[i % zones] ?? 'a'}`, ...(i % 2 === 1 ? { [POOL_LABEL]: 'odd' } : {}) }),
  };
}

/** Labels the nodes and creates the RebootPolicy, before any replica starts. */
export function applyDstPolicy(store: SimStore, policy: DstPolicy, nodes: number): void {
  for (let i = 1; i <= nodes; i++) {
    store.updateNode(`node-${i}`, (n) => {
      n.metadata.labels = { ...n.metadata.labels, ...policy.labels(i) };
    });
  }
  store.create('rebootpolicies', { apiVersion: 'rebootmanager.io/v1alpha1', kind: 'RebootPolicy', metadata: { name: 'default' }, spec: policy.spec });
}
