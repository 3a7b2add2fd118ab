// Notifications as `serve` runs them: the webhooks, the leader's periodic look at drains and waits, and how they stop.
import type { Logger } from 'pino';
import type { CancelTimer, Clock } from '../clock/clock.js';
import type { Holder } from '../slot/holders.js';
import type { Waiting } from '../slot/waiting.js';
import { BlockedDrains } from './drain-watch.js';
import type { Notifier } from './notifier.js';
import { BlockedReboots } from './reboots-watch.js';
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
  /** The nodes waiting for a slot now (src/slot/waiting.ts). */
  readonly waits: () => readonly { readonly node: { readonly name: string }; readonly wait: Waiting }[];
  readonly isLeader: () => boolean;
  /** How often the leader looks at the drains and the waits (at least every threshold, at most once a second). */
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
  deps.log.info({ receivers: names, drainBlockedAfterMs: config.drainBlockedAfterMs, rebootsBlockedAfterMs: config.rebootsBlockedAfterMs }, 'webhook notifications on');
  const webhooks = new Webhooks(config.receivers, deps);
  const drains = new BlockedDrains(config.drainBlockedAfterMs);
  const reboots = new BlockedReboots(config.rebootsBlockedAfterMs);
  const intervalMs = Math.max(1000, Math.min(deps.checkEveryMs, config.drainBlockedAfterMs, config.rebootsBlockedAfterMs));
  let cancel: CancelTimer | undefined;
  let running = true;
  const look = (): void => {
    if (!running) return;
    if (deps.isLeader()) {
      const now = deps.clock.now();
      for (const h of [...drains.check(deps.holders(), now), ...reboots.check(deps.waits(), now)]) webhooks.notify(h);
    } else {
      drains.forgetAll();
      reboots.forgetAll();
    }
    cancel = deps.clock.setTimer(intervalMs, look);
  };
  cancel = deps.clock.setTimer(intervalMs, look);
  return {
    notifier: webhooks,
    close: () => {
      running = false;
      cancel?.();
      webhooks.close();
    },
  };
}
