// One watch stream's deliveries: each after its own delay on the clock, yet never before an earlier one.
import type { CancelTimer, Clock } from '../../clock/clock.js';

interface Pending {
  readonly due: number;
  readonly run: () => void;
}

/** A queue with one timer at a time, so order holds on any clock, whatever the delays. */
export class OrderedDelivery {
  private readonly queue: Pending[] = [];
  private lastDue = -Infinity;
  private cancelTimer: CancelTimer | undefined;

  constructor(private readonly clock: Clock) {}

  /** Runs `run` after `delayMs`, or right after the previously pushed one when that is due later. */
  push(delayMs: number, run: () => void): void {
    const due = Math.max(this.clock.now() + Math.max(0, delayMs), this.lastDue);
    this.lastDue = due;
    this.queue.push({ due, run });
    if (!this.cancelTimer) this.armHead();
  }

  /** Drops everything not yet delivered. */
  cancel(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.queue.length = 0;
  }

  private armHead(): void {
    const head = this.queue[0];
    if (!head) return;
    this.cancelTimer = this.clock.setTimer(head.due - this.clock.now(), () => {
      this.cancelTimer = undefined;
      this.queue.shift()?.run();
      if (!this.cancelTimer) this.armHead();
    });
  }
}
