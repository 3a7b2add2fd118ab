// Pause: while the policy says paused, no new claim anywhere; holders finish; urgent groups go on.
import type { Pause } from './policy.js';
import type { Asking, ClaimRule, Reason } from './reasons.js';

export class PauseRule implements ClaimRule {
  constructor(private readonly pause: () => Pause | undefined) {}

  reasons(asking: Asking): readonly Reason[] {
    const pause = this.pause();
    if (!pause || asking.urgent) return [];
    return [{ rule: 'pause', message: describePause(pause) }];
  }
}

/** "new reboots are paused by alice since 2026-12-02T10:00:00Z: kernel regression under investigation". */
export function describePause(pause: Pause): string {
  return `new reboots are paused${byAndSince(pause)}: ${pause.reason}`;
}

/** " by alice since 2026-12-02T10:00:00Z", each part only when known. */
export function byAndSince(pause: Pause): string {
  return `${pause.by ? ` by ${pause.by}` : ''}${pause.since ? ` since ${pause.since}` : ''}`;
}
