/**
 * Throttles writes of one Node's progress annotation: at most one write per interval, always the
 * latest text, a failed write retried at the next interval. `flush` writes the latest text now.
 */
export class ProgressWriter {
  private latest: string | undefined;
  private written: string | undefined;
  private lastWriteAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly write: (text: string) => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  update(text: string): void {
    this.latest = text;
    this.schedule();
  }

  /** Writes the latest text at once (waiting for a write in flight first). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
    await this.writeLatest();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped || this.timer || this.inFlight || this.latest === this.written) return;
    const wait = Math.max(0, this.lastWriteAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.writeLatest().then(() => this.schedule());
    }, wait);
  }

  private async writeLatest(): Promise<void> {
    const text = this.latest;
    if (this.stopped || text === undefined || text === this.written) return;
    this.lastWriteAt = Date.now();
    this.inFlight = this.write(text).then(
      () => void (this.written = text),
      (err: unknown) => this.onError(err),
    );
    try {
      await this.inFlight;
    } finally {
      this.inFlight = undefined;
    }
  }
}
