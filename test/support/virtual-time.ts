// Driving a VirtualClock from a test, and catching any real timer or real "now" the simulator reads meanwhile.
import type { VirtualClock } from '../../src/clock/virtual-clock.js';
import { runUntil } from '../../src/sim/dst/drive.js';

/** One event-loop turn, so promise callbacks settled by a timer run before the next timer fires. */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Moves the clock `ms` forward, firing each timer due on the way with a turn after it, as an event loop would. */
export async function runFor(clock: VirtualClock, ms: number): Promise<void> {
  const until = clock.now() + ms;
  await runUntil(clock, () => false, ms);
  clock.advance(until - clock.now());
}

/** Where the simulator lives; a call from a stack through here is a violation. */
const SIM_FRAME = /\/src\/sim\/kube\//;

export interface RealTimeGuard {
  /** Stacks of every real timer set, and every real "now" read, from simulator code. */
  readonly violations: string[];
  restore(): void;
}

/**
 * Wraps setTimeout, setInterval, Date.now and `new Date()` to record calls made from simulator code; tap and
 * the test itself may go on using them. Restore before asserting.
 */
export function guardRealTime(): RealTimeGuard {
  const violations: string[] = [];
  const note = (what: string): void => {
    const stack = new Error(what).stack ?? '';
    if (SIM_FRAME.test(stack)) violations.push(stack);
  };
  const real = { setTimeout: globalThis.setTimeout, setInterval: globalThis.setInterval, Date: globalThis.Date };
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    note('setTimeout');
    return real.setTimeout(...args);
  }) as unknown as typeof setTimeout;
  globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
    note('setInterval');
    return real.setInterval(...args);
  });
  class GuardedDate extends real.Date {
    constructor(value?: string | number | Date) {
      if (value === undefined) {
        note('new Date()');
        super();
      } else super(value);
    }

    static override now(): number {
      note('Date.now()');
      return real.Date.now();
    }
  }
  globalThis.Date = GuardedDate as DateConstructor;
  return {
    violations,
    restore: () => {
      globalThis.setTimeout = real.setTimeout;
      globalThis.setInterval = real.setInterval;
      globalThis.Date = real.Date;
    },
  };
}
