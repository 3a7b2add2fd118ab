// A clock that moves only when told: the deterministic simulation and fast tests run on it.
import type { CancelTimer, Clock } from './clock.js';

interface Timer {
  readonly due: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * Timers fire in order of due time, then of creation, one at a time, only from `advance` or `fireNext`:
 * the same calls give the same order on every run.
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers: Timer[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fn: () => void): CancelTimer {
    const timer: Timer = { due: this.#now + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false };
    const at = this.#timers.findIndex((t) => t.due > timer.due);
    this.#timers.splice(at === -1 ? this.#timers.length : at, 0, timer);
    return () => {
      timer.cancelled = true;
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const cancel = this.setTimer(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      const onAbort = (): void => {
        cancel();
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** When the next live timer is due, or undefined when none is pending. */
  nextDue(): number | undefined {
    this.#prune();
    return this.#timers[0]?.due;
  }

  /** Moves time to the next timer and fires it; false when none is pending. */
  fireNext(): boolean {
    this.#prune();
    const timer = this.#timers.shift();
    if (!timer) return false;
    this.#now = Math.max(this.#now, timer.due);
    timer.fn();
    return true;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (let due = this.nextDue(); due !== undefined && due <= until; due = this.nextDue()) this.fireNext();
    this.#now = until;
  }

  #prune(): void {
    while (this.#timers[0]?.cancelled) this.#timers.shift();
  }
}
