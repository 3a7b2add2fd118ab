// The lines `reboot-manager status --server` prints under the table: the policy in force, a rejected edit, what holds reboots back.
import t from 'tap';
import { formatPolicySummary } from '../../src/cli/status-table.js';
import { policySection } from '../../src/status/policy-section.js';
import { facts, policyViews } from '../support/policy-views.js';

const NOW = Date.parse('2026-06-03T12:00:00Z'); // a Wednesday

void t.test('only the flags and nothing held back: no lines, the table alone', async (t) => {
  t.same(formatPolicySummary(policySection(policyViews(), NOW)), []);
});

void t.test('a rejected edit, and more held back than five lines show', async (t) => {
  const pools = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, nodeSelector: { matchLabels: { pool: name } }, maxUnavailable: 1, paused: true }));
  const status = { source: 'object' as const, generation: 6, crdMissing: false, rejection: { generation: 7, field: 'spec.maxUnavailable', reason: 'must be a whole number', at: NOW - 60_000, pauseApplies: true } };
  const lines = formatPolicySummary(policySection(policyViews({ spec: { pools, pause: { reason: 'freeze' } }, status, nodes: [facts('n', { pool: 'a' })] }), NOW));
  t.same(lines, [
    'Policy: RebootPolicy default, generation 6 (last accepted)',
    'Rejected: generation 7 at 2026-06-03T11:59:00.000Z: spec.maxUnavailable: must be a whole number; generation 6 (last accepted) stays in force; its spec.pause applies: new reboots are paused',
    'Held back: pause: new reboots are paused: freeze',
    'Held back: pause: pool a is paused',
    'Held back: pause: pool b is paused',
    'Held back: pause: pool c is paused',
    'Held back: pause: pool d is paused',
    'Held back: and 1 more (the status page lists them)',
  ]);
});
