// The bench's RebootPolicy is one the server accepts and that holds no claim back by itself: its refusals stay `slots_full`.
import t from 'tap';
import { benchPolicySpec, POOLS } from '../../bench/policy.js';
import type { NodeView } from '../../src/kube/node-view.js';
import { DEFAULT_HEALTH_GATE } from '../../src/policy/health-gate.js';
import { parsePolicySpec } from '../../src/policy/parse.js';
import { WindowRule } from '../../src/policy/window-rule.js';
import { ScopeIndex } from '../../src/slot/scope-index.js';
import { AGENT_POOL_LABEL, agentPoolOf } from '../../src/sim/kube/index.js';

const DEFAULTS = { maxUnavailable: 1, countUnavailable: true, healthGate: DEFAULT_HEALTH_GATE };
const NODE: NodeView = { name: 'node-00002', uid: 'u', resourceVersion: '1', machineId: '', bootId: 'b', ready: true, heartbeat: '', unschedulable: false, addresses: [], annotations: {}, labels: {}, readySince: 0, lifecycle: {} };
// Around a day change in every zone, and across a daylight-saving change in New York (2026-03-08).
const INSTANTS = ['2026-06-03T12:34:00Z', '2026-06-06T23:59:00Z', '2026-03-08T06:30:00Z', '2026-12-31T15:10:00Z'].map(Date.parse);

void t.test('the server accepts the bench policy: 10 pools, 3 windows, a pod blocker and an alert blocker', async (t) => {
  const policy = parsePolicySpec(benchPolicySpec(INSTANTS[0] ?? 0, 'http://127.0.0.1:9090'), DEFAULTS);
  t.equal(policy.budget.pools.length, POOLS);
  t.equal(policy.windows.length, 3);
  t.same([policy.podBlockers.length, policy.alertBlockers.length], [1, 1]);
});

void t.test('its windows are open for the next two hours from when it is built', async (t) => {
  for (const now of INSTANTS) {
    const rule = new WindowRule(parsePolicySpec(benchPolicySpec(now, 'http://127.0.0.1:9090'), DEFAULTS));
    for (const later of [0, 60, 120]) t.same(rule.reasons({ node: NODE, group: 'default', now: now + later * 60_000, pools: [], urgent: false }), [], `${new Date(now).toISOString()} + ${later} min`);
  }
});

void t.test('each pool selects a tenth of 5,000 nodes and lets more than one out, so the holder fills none', async (t) => {
  const index = new ScopeIndex(parsePolicySpec(benchPolicySpec(INSTANTS[0] ?? 0, 'http://127.0.0.1:9090'), DEFAULTS).budget);
  for (let i = 1; i <= 5000; i++) index.upsert({ name: `node-${i}`, labels: { [AGENT_POOL_LABEL]: agentPoolOf(i, POOLS) }, holding: i === 1, unavailable: false });
  const pools = index.view().filter((s) => s.kind === 'pool');
  t.equal(pools.length, POOLS);
  t.ok(pools.every((p) => p.members === 500 && p.allowed >= 2), pools.map((p) => `${p.label}: ${p.allowed} of ${p.members}`).join(', '));
  t.same(index.overflows('node-11').map((o) => o.kind), ['cluster'], "a node in the holder's pool overflows only the cluster cap");
});
