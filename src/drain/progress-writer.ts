import type { CancelTimer, Clock } from '../clock/clock.js';

/**
 * Throttles writes of one Node's drain progress: at most one write per interval, always the latest,
 * a failed write retried at the next interval. `flush` writes the latest now.
 */
export class ProgressWriter<T> {
  private latest: T | undefined;
  private written: string | undefined;
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private cancelTimer: CancelTimer | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly write: (progress: T) => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  update(progress: T): void {
    this.latest = progress;
    this.schedule();
  }

  /** Writes the latest progress at once (waiting for a write in flight first). */
  async flush(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    await this.inFlight;
    await this.writeLatest();
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
  }

  private schedule(): void {
    if (this.stopped || this.cancelTimer || this.inFlight || this.key(this.latest) === this.written) return;
    const wait = Math.max(0, this.lastWriteAt + this.intervalMs - this.clock.now());
    this.cancelTimer = this.clock.setTimer(wait, () => {
      this.cancelTimer = undefined;
      void this.writeLatest().then(() => this.schedule());
    });
  }

  private async writeLatest(): Promise<void> {
    const progress = this.latest;
    const key = this.key(progress);
    if (this.stopped || progress === undefined || key === this.written) return;
    this.lastWriteAt = this.clock.now();
    this.inFlight = this.write(progress).then(
      () => void (this.written = key),
      (err: unknown) => this.onError(err),
    );
    try {
      await this.inFlight;
    } finally {
      this.inFlight = undefined;
    }
  }

  private key(progress: T | undefined): string | undefined {
    return progress === undefined ? undefined : JSON.stringify(progress);
  }
}
