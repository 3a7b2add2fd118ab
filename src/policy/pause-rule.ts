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

/** "paused by alice since 2026-12-02T10:00:00Z: kernel regression under investigation". */
export function describePause(pause: Pause): string {
  const who = pause.by ? ` by ${pause.by}` : '';
  const since = pause.since ? ` since ${pause.since}` : '';
  return `new reboots are paused${who}${since}: ${pause.reason}`;
}
