// Notifications as `serve` runs them: the webhooks, the drain watch on the leader, and how they stop.
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { Holder } from '../slot/holders.js';
import { watchDrains } from './drain-watch.js';
import type { Notifier } from './notifier.js';
import type { NotifyMetrics, ReceiverSettings } from './receiver.js';
import { Webhooks } from './webhooks.js';

/** What `--notify-config` says, validated. */
export interface NotifyConfig {
  readonly receivers: readonly ReceiverSettings[];
  /** A drain whose blockers stay the same this long is reported once. */
  readonly drainBlockedAfterMs: number;
  /** A node refused a slot this long is reported once per wait. */
  readonly rebootsBlockedAfterMs: number;
}

export interface NotificationDeps {
  readonly clock: Clock;
  readonly log: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly metrics?: NotifyMetrics;
  readonly random?: () => number;
  readonly holders: () => readonly Holder[];
  readonly isLeader: () => boolean;
  /** How often the leader looks at the drains. */
  readonly checkEveryMs: number;
}

export interface Notifications {
  readonly notifier: Notifier;
  close(): void;
}

export function startNotifications(config: NotifyConfig, deps: NotificationDeps): Notifications {
  const names = config.receivers.map((r) => r.name);
  deps.metrics?.receivers(names);
  // By name only: a receiver's URL is a secret.
  deps.log.info({ receivers: names, drainBlockedAfterMs: config.drainBlockedAfterMs }, 'webhook notifications on');
  const webhooks = new Webhooks(config.receivers, deps);
  const interval = Math.max(1000, Math.min(deps.checkEveryMs, config.drainBlockedAfterMs));
  const stopDrains = watchDrains({ clock: deps.clock, holders: deps.holders, isLeader: deps.isLeader, notifier: webhooks, afterMs: config.drainBlockedAfterMs, intervalMs: interval });
  return {
    notifier: webhooks,
    close: () => {
      stopDrains();
      webhooks.close();
    },
  };
}
