// What holds back new claims now, beyond the budgets, for the status page's summary and `reboot-manager status`:
// the rules' own reasons where they have them, so the page says what a refusal says.
import type { BlockerView } from '../blockers/blocker-view.js';
import { someOf } from '../blockers/describe.js';
import type { HealthGateView } from '../health/health-gate.js';
import { describePause } from '../policy/pause-rule.js';
import type { Pause } from '../policy/policy.js';
import type { Reason } from '../policy/reasons.js';
import type { WindowScopeView } from '../policy/window-rule.js';

export interface HoldingInputs {
  readonly pause: Pause | undefined;
  readonly pausedPools: readonly string[];
  readonly windows: readonly WindowScopeView[];
  readonly blockers: readonly BlockerView[];
  readonly healthGate: HealthGateView;
}

function healthReason(r: HealthGateView['releases'][number], onTimeout: HealthGateView['onTimeout']): Reason | undefined {
  if (r.missing.length === 0 || (r.timedOut && onTimeout === 'proceed')) return undefined;
  const head = `${r.node} released at ${r.releasedAt}: waiting for ${someOf(r.missing)}`;
  if (r.timedOut) return { rule: 'health', message: `${head}; timed out at ${r.timesOutAt}, still blocking (onTimeout Block)` };
  return { rule: 'health', message: `${head}; ${onTimeout === 'proceed' ? 'gives up' : 'times out'} at ${r.timesOutAt}`, until: Date.parse(r.timesOutAt) };
}

/**
 * The pause, paused pools, closed windows, blocking blockers and the releases the health gate waits for, in that
 * order. Some hold back every claim, some only a pool's or a node's: each message names its scope.
 */
export function holdingReasons(i: HoldingInputs): Reason[] {
  const out: Reason[] = [];
  if (i.pause) out.push({ rule: 'pause', message: describePause(i.pause) });
  // The words of the budget check that refuses a claim in a paused pool.
  for (const pool of i.pausedPools) out.push({ rule: 'pause', message: `pool ${pool} is paused` });
  for (const w of i.windows) if (w.reason) out.push(w.reason);
  for (const b of i.blockers) if (b.blocking && b.message) out.push({ rule: 'blocker', message: b.message });
  if (i.healthGate.enabled) {
    for (const r of i.healthGate.releases) {
      const reason = healthReason(r, i.healthGate.onTimeout);
      if (reason) out.push(reason);
    }
  }
  return out;
}
