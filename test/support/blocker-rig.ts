// The Blockers rule on a virtual clock, with its log captured, for the alert blocker tests.
import { pino } from 'pino';
import type { Test } from 'tap';
import type { AlertState } from '../../src/blockers/alert-poller.js';
import { Blockers } from '../../src/blockers/blocker-rule.js';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { toNodeView } from '../../src/kube/node-view.js';
import { DEFAULT_HEALTH_GATE } from '../../src/policy/health-gate.js';
import { parsePolicySpec } from '../../src/policy/parse.js';
import type { Policy, PolicyDefaults } from '../../src/policy/policy.js';
import { machineIdFor, makeNode } from '../../src/sim/kube/fixtures.js';
import { createMemoryCluster } from '../../src/sim/kube/memory-api.js';

export interface LogLine {
  readonly level: number;
  readonly msg: string;
}

export const WARN = 40;

export const POLICY_DEFAULTS: PolicyDefaults = { maxUnavailable: 1, countUnavailable: true, healthGate: DEFAULT_HEALTH_GATE };

/** The policy of a RebootPolicy whose `spec.blockers` is `blockers`, as an operator writes it. */
export const withBlockers = (blockers: unknown): Policy => parsePolicySpec({ blockers }, POLICY_DEFAULTS);

export function blockerRig(t: Test) {
  const clock = new VirtualClock();
  const cluster = createMemoryCluster({ clock });
  t.teardown(() => cluster.close());
  const lines: LogLine[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  const rule = new Blockers({ api: cluster.api(), clock, log });
  t.teardown(() => rule.stop());
  const node = toNodeView(makeNode({ name: 'node-1', machineID: machineIdFor(1) }));
  return {
    clock,
    rule,
    lines,
    /** Applies a policy whose `spec.blockers` is `blockers`, as an operator writes it. */
    apply: (blockers: unknown): void => rule.update(withBlockers(blockers)),
    /** The reasons a claim from node-1 is refused for. */
    messages: (urgent = false): string[] => rule.reasons({ node, group: 'default', now: clock.now(), pools: [], urgent }).map((r) => `${r.rule}: ${r.message}`),
    /** Moves the clock `ms` and resolves with blocker `name`'s state after its next answer or failure. */
    next: (name: string, ms = 0): Promise<AlertState> => {
      const poller = rule.poller(name);
      if (!poller) throw new Error(`no alert blocker ${name}`);
      const answered = poller.nextCheck();
      clock.advance(ms);
      return answered;
    },
    warnings: (): string[] => lines.filter((l) => l.level === WARN).map((l) => l.msg),
  };
}
