import type { Logger } from 'pino';
import type { EventRecorder } from '../kube/events.js';
import type { Holder } from '../slot/holders.js';

export interface StaleReport {
  readonly name: string;
  readonly heldForMs: number;
}

/**
 * Reports holders away longer than `staleAfterMs`: a Warning Event and a log line once per slot,
 * and the current count through `onCount` (the metric), so an operator can act (release by hand).
 */
export class StaleHolders {
  private readonly reported = new Set<string>();

  constructor(
    private readonly deps: { staleAfterMs: number; events: Pick<EventRecorder, 'record'>; log: Pick<Logger, 'warn'>; onCount: (count: number) => void },
  ) {}

  check(holders: readonly Holder[], now: number): StaleReport[] {
    const stale: StaleReport[] = [];
    const current = new Set<string>();
    for (const { node, slot: hold } of holders) {
      const heldForMs = now - Date.parse(hold.claimedAt);
      if (!(heldForMs > this.deps.staleAfterMs)) continue;
      stale.push({ name: node.name, heldForMs });
      const key = `${node.name}@${hold.claimedAt}`;
      current.add(key);
      if (this.reported.has(key)) continue;
      this.reported.add(key);
      const minutes = Math.round(heldForMs / 60_000);
      this.deps.log.warn({ node: node.name, id: hold.id, group: hold.group, phase: hold.phase, heldForMinutes: minutes }, 'stale reboot slot holder');
      this.deps.events.record(
        node,
        'Warning',
        'StaleHolder',
        `Has held its reboot slot for ${minutes} min (phase ${hold.phase}); if it will not come back, run: reboot-manager release ${node.name}`,
      );
    }
    for (const key of this.reported) if (!current.has(key)) this.reported.delete(key);
    this.deps.onCount(stale.length);
    return stale;
  }
}
