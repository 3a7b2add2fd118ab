// The views the status snapshot reads of the policy, from a spec as an operator writes it and nodes given as data:
// the real scope index and window rule, blockers and health gate as the test states them.
import type { BlockerView } from '../../src/blockers/blocker-view.js';
import type { HealthGateView } from '../../src/health/health-gate.js';
import { DEFAULT_HEALTH_GATE } from '../../src/policy/health-gate.js';
import { flagsPolicy, parsePolicySpec } from '../../src/policy/parse.js';
import type { PolicyStatus } from '../../src/policy/policy-source.js';
import type { PolicyDefaults } from '../../src/policy/policy.js';
import { WindowRule } from '../../src/policy/window-rule.js';
import type { NodeFacts } from '../../src/slot/pools.js';
import { ScopeIndex } from '../../src/slot/scope-index.js';
import type { PolicyViews } from '../../src/status/policy-section.js';

export const DEFAULTS: PolicyDefaults = { maxUnavailable: 1, countUnavailable: true, healthGate: DEFAULT_HEALTH_GATE };

export interface ViewsOptions {
  /** A RebootPolicy spec; unset: the flags. */
  readonly spec?: unknown;
  readonly nodes?: readonly NodeFacts[];
  readonly status?: PolicyStatus;
  readonly blockers?: readonly BlockerView[];
  readonly healthGate?: Partial<HealthGateView>;
}

export function policyViews(opts: ViewsOptions = {}): PolicyViews {
  const policy = opts.spec === undefined ? flagsPolicy(DEFAULTS) : parsePolicySpec(opts.spec, DEFAULTS);
  const scopes = new ScopeIndex(policy.budget);
  for (const n of opts.nodes ?? []) scopes.upsert(n);
  const s = policy.healthGate;
  const gate: HealthGateView = { enabled: s.enabled, timeoutSeconds: s.timeoutMs / 1000, nodeReadySeconds: s.nodeReadyMs / 1000, onTimeout: s.onTimeout, watching: true, releases: [], ...opts.healthGate };
  return {
    policy: { status: () => opts.status ?? (opts.spec === undefined ? { source: 'flags', crdMissing: false } : { source: 'object', generation: 1, crdMissing: false }), current: () => policy },
    scopes,
    windows: new WindowRule(policy),
    blockers: { view: () => opts.blockers ?? [] },
    healthGate: { view: () => gate },
  };
}

/** A node as the budget arithmetic sees it. */
export const facts = (name: string, labels: Record<string, string>, state: { holding?: boolean; unavailable?: boolean } = {}): NodeFacts => ({
  name,
  labels,
  holding: state.holding ?? false,
  unavailable: state.unavailable ?? false,
});
