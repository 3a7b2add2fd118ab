// Webhook notifications: what each receiver was sent, and what its full queue dropped.
import { Counter, type Registry } from 'prom-client';
import type { DeliveryResult, NotifyMetrics } from '../notify/receiver.js';

const RESULTS: readonly DeliveryResult[] = ['sent', 'rejected', 'failed'];

export class NotificationMetrics implements NotifyMetrics {
  private readonly total: Counter<'receiver' | 'result'>;
  private readonly droppedTotal: Counter<'receiver'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.total = new Counter({
      name: 'reboot_manager_notifications_total',
      help: 'Webhook notifications by receiver and result: sent, rejected (a 4xx other than 429, not retried), failed (retries ran out).',
      labelNames: ['receiver', 'result'],
      registers,
    });
    this.droppedTotal = new Counter({
      name: 'reboot_manager_notifications_dropped_total',
      help: "Webhook notifications dropped unsent because the receiver's queue was full (the oldest goes).",
      labelNames: ['receiver'],
      registers,
    });
  }

  /** Every receiver's series exist from the start, at 0, so rate() and alerts see the first increment. */
  receivers(names: readonly string[]): void {
    for (const receiver of names) {
      for (const result of RESULTS) this.total.inc({ receiver, result }, 0);
      this.droppedTotal.inc({ receiver }, 0);
    }
  }

  delivered(receiver: string, result: DeliveryResult): void {
    this.total.inc({ receiver, result });
  }

  dropped(receiver: string): void {
    this.droppedTotal.inc({ receiver });
  }
}
