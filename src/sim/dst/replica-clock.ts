// A replica's view of time: its timers stop while the process is paused and for good once it crashed.
import type { CancelTimer, Clock } from '../../clock/clock.js';

export type ProcessState = 'running' | 'paused' | 'dead';

/** Holds callbacks (timers, API answers, watch events) while the process is paused; drops them once it is dead. */
export class ProcessGate {
  state: ProcessState = 'running';
  private readonly held: (() => void)[] = [];
  /** Callers outside the process waiting on it (a client's open connection): told when it dies. */
  private readonly outside = new Set<(alive: boolean) => void>();

  /** Runs `fn` now, on resume, or never. */
  deliver(fn: () => void): void {
    if (this.state === 'running') fn();
    else if (this.state === 'paused') this.held.push(fn);
  }

  /** Resolves now, on resume, or never. */
  pass(): Promise<void> {
    return new Promise((resolve) => this.deliver(resolve));
  }

  /** For a caller outside the process: true once it runs, false if it dies first (the connection breaks). */
  reachable(): Promise<boolean> {
    if (this.state === 'dead') return Promise.resolve(false);
    if (this.state === 'running') return Promise.resolve(true);
    return new Promise((resolve) => {
      this.outside.add(resolve);
      this.held.push(() => {
        this.outside.delete(resolve);
        resolve(true);
      });
    });
  }

  /** Resolves with false when the process dies (never, while it lives). */
  died(): Promise<false> {
    if (this.state === 'dead') return Promise.resolve(false);
    return new Promise((resolve) => this.outside.add(() => resolve(false)));
  }

  pause(): void {
    if (this.state === 'running') this.state = 'paused';
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.state = 'running';
    for (const fn of this.held.splice(0)) fn();
  }

  kill(): void {
    this.state = 'dead';
    this.held.length = 0;
    for (const tell of [...this.outside]) tell(false);
    this.outside.clear();
  }
}

/** The shared virtual clock seen through one process's gate. */
export function gatedClock(base: Clock, gate: ProcessGate): Clock {
  return {
    now: () => base.now(),
    setTimer(ms, fn): CancelTimer {
      return base.setTimer(ms, () => gate.deliver(fn));
    },
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.resolve();
      return new Promise((resolve) => {
        const cancel = base.setTimer(ms, () => gate.deliver(resolve));
        signal?.addEventListener('abort', () => {
          cancel();
          resolve();
        }, { once: true });
      });
    },
  };
}
