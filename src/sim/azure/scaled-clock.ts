// Simulated time for in-process IMDS agents and the simulated Azure platform: `timeScale` simulated ms per real ms.
import type { Clock } from '../../agent/clock.js';
import { systemClock } from '../../agent/clock.js';

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
    now: () => systemClock.now() * timeScale,
    sleep: (ms, signal) => systemClock.sleep(ms / timeScale, signal),
    real: (simulatedMs) => simulatedMs / timeScale,
  };
}
