// Shared limits on the drain's API calls, so draining never floods the API server.
import { abortableDelay, type Clock } from '../clock/clock.js';

/** A token bucket: at most `ratePerSecond` calls per second on average, bursts up to `burst`. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  /** Callers queue in order so a burst of waiters cannot starve one. */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    private readonly ratePerSecond: number,
    private readonly burst = Math.max(1, Math.ceil(ratePerSecond)),
  ) {
    this.tokens = this.burst;
    this.last = clock.now();
  }

  take(signal: AbortSignal): Promise<void> {
    const mine = this.tail.then(() => this.takeOne(signal));
    this.tail = mine.catch(() => undefined);
    return mine;
  }

  private async takeOne(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.refill();
    if (this.tokens < 1) {
      await abortableDelay(this.clock, Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000), signal);
      this.refill();
    }
    this.tokens -= 1;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
  }
}

/** At most `limit` calls in flight at once. */
export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    // A finishing call hands its slot straight to the next waiter, so no newcomer can slip in between.
    if (this.active < this.limit) this.active += 1;
    else await new Promise<void>((resolve) => this.waiters.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiters.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
