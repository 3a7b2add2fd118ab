// What operators hear about, as typed data, and the one call that reports it: notify() only enqueues and returns.
import type { ReleaseReason } from '../slot/slot.js';

/** Who held or asked for the slot. */
export type HappeningSource = { readonly kind: 'fleetlock'; readonly id: string } | { readonly kind: 'request'; readonly name: string };

interface About {
  readonly node: string;
  readonly group: string;
  readonly source: HappeningSource;
  /** When it happened (ms since the epoch). */
  readonly at: number;
}

export type Happening =
  /** A node took a reboot slot. */
  | (About & { readonly kind: 'claim' })
  /** The node is drained: the FleetLock client is answered 200, or the MaintenanceRequest approved. */
  | (About & { readonly kind: 'grant' })
  /** The slot was given back: `code` as the releases metric counts it, `reason` in the words of the Event. */
  | (About & { readonly kind: 'release'; readonly code: ReleaseReason; readonly reason: string })
  /** The drain's blockers have stayed the same since `since`, longer than the configured time. */
  | (About & { readonly kind: 'drain-blocked'; readonly blockers: readonly string[]; readonly since: number })
  /**
   * The node's FleetLock pre-reboots have been refused since `since`, longer than the configured time: `code` is the
   * last refusal's kind (`slots_full`, `blocked`), `reason` its words. Which FleetLock id asked is not kept with a wait.
   */
  | (Omit<About, 'source'> & { readonly kind: 'reboots-blocked'; readonly code: string; readonly reason: string; readonly since: number; readonly refusals: number });

export type HappeningKind = Happening['kind'];

export const HAPPENING_KINDS: readonly HappeningKind[] = ['claim', 'grant', 'release', 'drain-blocked', 'reboots-blocked'];

export interface Notifier {
  /** Queues `h` for every receiver that wants it; never waits, never throws. */
  notify(h: Happening): void;
}

/** The source as Events and logs name it. */
export function sourceLabel(source: HappeningSource): string {
  return source.kind === 'fleetlock' ? `FleetLock id ${source.id}` : `MaintenanceRequest ${source.name}`;
}
