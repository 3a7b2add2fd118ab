// One receiver: its own bounded queue (the oldest is dropped when full) and one worker sending in order, with retries.
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { abortableDelay, type Clock } from '../clock/clock.js';
import { retry } from '../clock/retry.js';
import { bodyOf, type Format } from './message.js';
import type { Happening, HappeningKind } from './notifier.js';
import type { Template } from './template.js';
import { DeliveryError, postOnce } from './webhook-sink.js';

export interface ReceiverSettings {
  /** Names the receiver in logs and metrics: its URL never appears anywhere. */
  readonly name: string;
  readonly format: Format;
  readonly url: string;
  readonly kinds: ReadonlySet<HappeningKind>;
  readonly template: Template | undefined;
  readonly timeoutMs: number;
  /** Retries after the first attempt. */
  readonly retries: number;
  readonly queueSize: number;
}

/** `sent`; `rejected`: a 4xx other than 429, not retried; `failed`: retries ran out. */
export type DeliveryResult = 'sent' | 'rejected' | 'failed';

export interface NotifyMetrics {
  /** The receivers' names, once at start: their series start at 0. */
  receivers(names: readonly string[]): void;
  delivered(receiver: string, result: DeliveryResult): void;
  dropped(receiver: string): void;
}

export interface ReceiverDeps {
  readonly clock: Clock;
  readonly log: Pick<Logger, 'warn'>;
  readonly metrics?: NotifyMetrics;
  readonly random?: () => number;
  readonly dispatcher?: Dispatcher;
  /** Aborts at shutdown: the worker stops, what is queued is dropped. */
  readonly stop: AbortSignal;
}

/** Backoff between attempts, doubling; a Retry-After is waited on top of it, up to its own cap. */
export const BACKOFF = { minMs: 1000, maxMs: 60_000, maxRetryAfterMs: 300_000 } as const;

export class Receiver {
  private readonly queue: string[] = [];
  private sending = false;
  private overflowing = false;

  constructor(
    readonly settings: ReceiverSettings,
    private readonly deps: ReceiverDeps,
  ) {}

  wants(kind: HappeningKind): boolean {
    return this.settings.kinds.has(kind);
  }

  /** Queues `h`'s body and returns at once. */
  push(h: Happening): void {
    const { name, format, template, queueSize } = this.settings;
    if (this.queue.length >= queueSize) {
      this.queue.shift();
      this.deps.metrics?.dropped(name);
      if (!this.overflowing) this.deps.log.warn({ receiver: name, queue: queueSize }, 'notification queue full: dropping the oldest');
      this.overflowing = true;
    }
    this.queue.push(bodyOf(h, format, template));
    if (!this.sending) void this.run();
  }

  private async run(): Promise<void> {
    this.sending = true;
    try {
      for (let body = this.queue.shift(); body !== undefined && !this.deps.stop.aborted; body = this.queue.shift()) {
        await this.deliver(body);
        if (this.queue.length === 0) this.overflowing = false;
      }
    } finally {
      this.sending = false;
    }
  }

  private async deliver(body: string): Promise<void> {
    const { clock, stop, random, dispatcher } = this.deps;
    const { name, url, timeoutMs, retries } = this.settings;
    const target = { url, timeoutMs, ...(dispatcher ? { dispatcher } : {}) };
    try {
      await retry(() => postOnce(target, body, clock, stop), {
        clock,
        retries,
        minMs: BACKOFF.minMs,
        maxMs: BACKOFF.maxMs,
        signal: stop,
        ...(random ? { random } : {}),
        shouldRetry: (err) => err instanceof DeliveryError && err.retryable,
        onFailedAttempt: async (err) => {
          if (err instanceof DeliveryError && err.retryAfterMs) await abortableDelay(clock, Math.min(err.retryAfterMs, BACKOFF.maxRetryAfterMs), stop);
        },
      });
      this.deps.metrics?.delivered(name, 'sent');
    } catch (err) {
      if (stop.aborted) return;
      const failure = err instanceof DeliveryError ? err : undefined;
      this.deps.metrics?.delivered(name, failure && !failure.retryable ? 'rejected' : 'failed');
      this.deps.log.warn({ receiver: name, status: failure?.status, code: failure?.code ?? 'error', err: failure?.message ?? 'unexpected error' }, 'notification not delivered');
    }
  }
}
