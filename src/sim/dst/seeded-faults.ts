// API faults drawn from the seed: slow answers, errors, throttling, lost answers to committed writes, lagging and broken watches.
import type { Random } from '../fleet/random.js';
import { faultErrors, type ApiCall, type ApiFaults, type CallFault, type WatchEventFault } from '../kube/memory-api.js';

export interface FaultLevels {
  /** Chance that a call fails (503, 429 or a timeout), nothing applied. */
  readonly fail: number;
  /** Chance that a write is applied but its answer is lost. */
  readonly lostAnswer: number;
  /** Longest answer latency (ms). */
  readonly maxLatencyMs: number;
  /** Chance that a watch event is held back, and for how long at most (ms). */
  readonly lag: number;
  readonly maxLagMs: number;
  /** Chance that a watch breaks at an event. */
  readonly drop: number;
}

export const CALM: FaultLevels = { fail: 0, lostAnswer: 0, maxLatencyMs: 20, lag: 0, maxLagMs: 0, drop: 0 };

const WRITES = new Set(['patch', 'evict', 'delete', 'create', 'replace']);

/** Faults for one replica's API view; `levels()` is read on every call, so a run can calm them down. */
export function seededFaults(random: Random, levels: () => FaultLevels): ApiFaults {
  return {
    onCall(call: ApiCall): CallFault {
      const l = levels();
      const latencyMs = Math.floor(random() * l.maxLatencyMs);
      const roll = random();
      if (roll < l.fail) {
        const kind = random();
        const error = kind < 0.4 ? faultErrors.unavailable() : kind < 0.7 ? faultErrors.throttled() : faultErrors.timeout(`${call.verb} ${call.resource}`);
        return { kind: 'fail', error, latencyMs };
      }
      if (WRITES.has(call.verb) && roll < l.fail + l.lostAnswer) return { kind: 'lost-answer', latencyMs };
      return { kind: 'none', latencyMs };
    },
    onWatchEvent(): WatchEventFault {
      const l = levels();
      const roll = random();
      if (roll < l.drop) return { drop: true };
      if (roll < l.drop + l.lag) return { delayMs: Math.floor(random() * l.maxLagMs) };
      return { delayMs: 0 };
    },
  };
}
