// One scope's windows (the cluster's or a pool's) with their state kept until its next boundary, so a
// FleetLock request does no time-zone arithmetic: the state only changes when a window opens or closes.
import type { Reason } from './reasons.js';
import { describeInstant, describeWindow } from './window-describe.js';
import { compileWindow, DAY_MS, type CompiledWindow } from './window-openings.js';
import { HORIZON_MS, scanWindows } from './window-state.js';
import type { Window } from './windows.js';

export interface ScopeState {
  readonly open: boolean;
  /** When open: when the opening in progress closes; unset: not within 8 days. */
  readonly closesAt?: number;
  /** When closed: when the next window opens; unset: not within 8 days. */
  readonly opensAt?: number;
  /** That boundary on the clock of its window's zone ("Sat 22:00 CET (2026-12-05T21:00:00Z)"), or ''. */
  readonly next: string;
  /** When closed: why a claim waits, ready to hand out. */
  readonly reason?: Reason;
}

export class ScopeWindows {
  /** Each window as a line of text, in the policy's order. */
  readonly described: readonly string[];
  /** None: always open. */
  readonly hasWindows: boolean;
  private readonly compiled: readonly CompiledWindow[];
  private state: ScopeState = { open: true, next: '' };
  /** The state holds for `now` in [from, until); empty at first. */
  private from = 0;
  private until = 0;

  /** `scope` as refusals name it: "cluster" or "pool databases". */
  constructor(
    readonly scope: string,
    windows: readonly Window[],
  ) {
    this.hasWindows = windows.length > 0;
    this.described = windows.map(describeWindow);
    this.compiled = windows.map(compileWindow);
  }

  /** The state at `now`: from the cache unless `now` is past a boundary (or before the last computation). */
  at(now: number): ScopeState {
    if (now >= this.from && now < this.until) return this.state;
    const scan = scanWindows(this.compiled, now);
    const boundary = scan.open ? scan.closesAt : scan.opensAt;
    const next = boundary !== undefined && scan.timeZone !== undefined ? describeInstant(boundary, scan.timeZone) : '';
    this.state = scan.open
      ? { open: true, ...(scan.closesAt !== undefined ? { closesAt: scan.closesAt } : {}), next }
      : { open: false, ...(scan.opensAt !== undefined ? { opensAt: scan.opensAt } : {}), next, reason: this.refusal(scan.opensAt, next) };
    this.from = now;
    // No boundary within the horizon: look again in a day, when one may have come into view.
    this.until = boundary ?? now + DAY_MS;
    return this.state;
  }

  private refusal(opensAt: number | undefined, next: string): Reason {
    const outside = `${this.scope} outside its windows (${this.described.join(' or ')})`;
    if (opensAt === undefined) return { rule: 'window', message: `${outside}, no opening within ${HORIZON_MS / DAY_MS} days` };
    return { rule: 'window', message: `${outside}, next opening ${next}`, until: opensAt };
  }
}
