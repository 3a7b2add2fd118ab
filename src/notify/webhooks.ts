// The Notifier of `serve`: every happening goes to each receiver that wants its kind, through that receiver's own queue.
import type { Logger } from 'pino';
import type { Happening, Notifier } from './notifier.js';
import { Receiver, type ReceiverDeps, type ReceiverSettings } from './receiver.js';

export class Webhooks implements Notifier {
  private readonly stop = new AbortController();
  private readonly receivers: readonly Receiver[];

  constructor(
    settings: readonly ReceiverSettings[],
    private readonly deps: Omit<ReceiverDeps, 'stop' | 'log'> & { readonly log: Pick<Logger, 'warn' | 'error'> },
  ) {
    this.receivers = settings.map((s) => new Receiver(s, { ...deps, stop: this.stop.signal }));
  }

  notify(h: Happening): void {
    if (this.stop.signal.aborted) return;
    for (const receiver of this.receivers) {
      if (!receiver.wants(h.kind)) continue;
      try {
        receiver.push(h);
      } catch (err) {
        // A notification is never worth failing the decision that caused it.
        this.deps.log.error({ receiver: receiver.settings.name, kind: h.kind, err: (err as Error).message }, 'could not queue a notification');
      }
    }
  }

  /** Stops every worker; what is still queued is dropped. */
  close(): void {
    this.stop.abort();
  }
}
