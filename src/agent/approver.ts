// Early approval (StartRequests) of events the node is drained for: once per event, own VM only unless allowed.
import type { Logger } from 'pino';
import type { Decision } from './decide.js';
import type { ImdsApi } from './imds-client.js';
import type { ScheduledEvent } from './scheduled-events.js';
import { recordApproval, type AgentStats } from './stats.js';

export interface Approvable {
  readonly event: ScheduledEvent;
  readonly decision: Decision;
  /** When this agent first saw the event, on its clock: approval latency is measured from here. */
  readonly firstSeenAt: number;
}

export class Approver {
  readonly #approved = new Set<string>();
  readonly #refusalLogged = new Set<string>();

  constructor(
    private readonly deps: { imds: ImdsApi; log: Logger; stats: AgentStats; now: () => number; approveShared: boolean },
  ) {}

  get approved(): readonly string[] {
    return [...this.#approved];
  }

  /** The event left the document: nothing more to remember about it. */
  forget(eventId: string): void {
    this.#approved.delete(eventId);
    this.#refusalLogged.delete(eventId);
  }

  /** Call only while the server has granted the slot. A failed approval is tried again on the next call. */
  async approve(pending: readonly Approvable[], signal: AbortSignal): Promise<void> {
    const { imds, log, stats } = this.deps;
    for (const { event, decision, firstSeenAt } of pending) {
      const id = event.eventId;
      if (event.status !== 'Scheduled' || this.#approved.has(id)) continue;
      // Approving releases the event for every VM it lists, including ones nobody drained.
      if (decision.shared && !this.deps.approveShared) {
        if (!this.#refusalLogged.has(id)) {
          log.info({ eventId: id, resources: event.resources }, 'not approving early: the event also lists other VMs (see --approve-shared)');
          this.#refusalLogged.add(id);
        }
        continue;
      }
      try {
        await imds.approve(id, { signal });
      } catch (err) {
        if (signal.aborted) return;
        stats.approvalFailures++;
        log.warn({ eventId: id, err: (err as Error).message }, 'approving the event failed; trying again on the next poll');
        continue;
      }
      this.#approved.add(id);
      const latencyMs = Math.max(0, this.deps.now() - firstSeenAt);
      recordApproval(stats, latencyMs);
      log.info({ eventId: id, eventType: event.eventType, latencyMs }, 'approved the event early (StartRequests)');
    }
  }
}
