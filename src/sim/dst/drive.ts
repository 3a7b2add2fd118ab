// Moves virtual time one timer at a time, letting every promise chain settle in between.
import { setImmediate as macrotask } from 'node:timers/promises';
import type { VirtualClock } from '../../clock/virtual-clock.js';

/** Fires timers in order until `done()` holds; false when time ran past `withinMs` or nothing was left to do. */
export async function runUntil(clock: VirtualClock, done: () => boolean, withinMs: number, afterEachStep?: () => void): Promise<boolean> {
  const end = clock.now() + withinMs;
  await macrotask();
  while (!done()) {
    const due = clock.nextDue();
    if (due === undefined || due > end) return false;
    clock.fireNext();
    await macrotask();
    afterEachStep?.();
  }
  return true;
}
