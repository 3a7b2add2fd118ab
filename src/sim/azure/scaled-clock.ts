// Simulated time for in-process IMDS agents and the simulated Azure platform: `timeScale` simulated ms per real ms.
import type { Clock } from '../../clock/clock.js';
import { systemClock } from '../../clock/clock.js';

export interface ScaledClock extends Clock {
  readonly timeScale: number;
  /** Real ms for `simulatedMs`. */
  real(simulatedMs: number): number;
}

/** The agent's poll interval, retry interval and the platform's notices all pass at `timeScale` times real speed. */
export function scaledClock(timeScale: number): ScaledClock {
  if (!(timeScale > 0)) throw new Error(`time scale must be positive, got ${timeScale}`);
  return {
    timeScale,
    // From process start, not the epoch: scaled epoch milliseconds would pass 2^53.
    now: () => performance.now() * timeScale,
    sleep: (ms, signal) => systemClock.sleep(ms / timeScale, signal),
    setTimer: (ms, fn) => systemClock.setTimer(ms / timeScale, fn),
    real: (simulatedMs) => simulatedMs / timeScale,
  };
}
