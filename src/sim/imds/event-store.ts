// The simulated scheduled events: what each VM's document lists, with DocumentIncarnation bumped on change.
import { randomUUID } from 'node:crypto';
import { formatRfc1123 } from '../../agent/rfc1123.js';

export type SimEventStatus = 'Scheduled' | 'Started';

/** What a test or the demo schedules; everything but type and resources has a realistic default. */
export interface SimEventInput {
  /** Default: a random GUID, upper case as Azure writes it. */
  readonly eventId?: string;
  /** Freeze, Reboot, Redeploy, Preempt, Terminate, or any other text (a type newer than the agent). */
  readonly eventType: string;
  /** VM names as `compute.name` gives them, e.g. `vmss_3`. */
  readonly resources: readonly string[];
  readonly status?: SimEventStatus;
  /** Default: now plus the type's minimum notice (15 min; Redeploy 10 min; Preempt 30 s). Ignored when Started. */
  readonly notBefore?: Date;
  /** Default: 5 for Freeze, otherwise -1 (unknown). */
  readonly durationInSeconds?: number;
  readonly resourceType?: string;
  readonly eventSource?: string;
  readonly description?: string;
}

/** An event exactly as IMDS serves it (api-version 2020-07-01). */
export interface ImdsEventJson {
  EventId: string;
  EventType: string;
  ResourceType: string;
  Resources: string[];
  EventStatus: SimEventStatus;
  NotBefore: string;
  Description: string;
  EventSource: string;
  DurationInSeconds: number;
}

export interface ImdsEventsJson {
  DocumentIncarnation: number;
  Events: ImdsEventJson[];
}

/** Thrown by the programmatic API for an event id it does not hold. */
export class UnknownSimEventError extends Error {
  readonly code = 'ERR_SIM_UNKNOWN_EVENT';
  constructor(eventId: string) {
    super(`the simulated IMDS has no event ${eventId}`);
    this.name = 'UnknownSimEventError';
  }
}

const NOTICE_MS: Record<string, number> = { Preempt: 30_000, Redeploy: 10 * 60_000 };

export class EventStore {
  #incarnation = 1;
  readonly #events = new Map<string, ImdsEventJson>();

  constructor(
    private readonly now: () => number,
    private readonly onChange: (incarnation: number) => void,
  ) {}

  get incarnation(): number {
    return this.#incarnation;
  }

  has(eventId: string): boolean {
    return this.#events.has(eventId);
  }

  /** The whole document, as every VM of the placement group receives it. */
  document(): ImdsEventsJson {
    return { DocumentIncarnation: this.#incarnation, Events: [...this.#events.values()].map((e) => ({ ...e, Resources: [...e.Resources] })) };
  }

  schedule(input: SimEventInput): string {
    const eventId = input.eventId ?? randomUUID().toUpperCase();
    if (this.#events.has(eventId)) throw new Error(`the simulated IMDS already has event ${eventId}`);
    const status = input.status ?? 'Scheduled';
    const notBefore = input.notBefore ?? new Date(this.now() + (NOTICE_MS[input.eventType] ?? 15 * 60_000));
    this.#events.set(eventId, {
      EventId: eventId,
      EventType: input.eventType,
      ResourceType: input.resourceType ?? 'VirtualMachine',
      Resources: [...input.resources],
      EventStatus: status,
      NotBefore: status === 'Started' ? '' : formatRfc1123(notBefore),
      Description: input.description ?? `Simulated ${input.eventType}`,
      EventSource: input.eventSource ?? 'Platform',
      DurationInSeconds: input.durationInSeconds ?? (input.eventType === 'Freeze' ? 5 : -1),
    });
    this.#bump();
    return eventId;
  }

  /** The platform begins the event: status Started, NotBefore empty. Starting a started event changes nothing. */
  start(eventId: string): void {
    const e = this.#get(eventId);
    if (e.EventStatus === 'Started') return;
    e.EventStatus = 'Started';
    e.NotBefore = '';
    this.#bump();
  }

  /** Starts several events with one incarnation change, as one approval does. */
  startAll(eventIds: readonly string[]): void {
    let changed = false;
    for (const id of eventIds) {
      const e = this.#get(id);
      if (e.EventStatus === 'Started') continue;
      e.EventStatus = 'Started';
      e.NotBefore = '';
      changed = true;
    }
    if (changed) this.#bump();
  }

  /** The event is over, or was cancelled: either way it leaves the document. */
  remove(eventId: string): void {
    this.#get(eventId);
    this.#events.delete(eventId);
    this.#bump();
  }

  #get(eventId: string): ImdsEventJson {
    const e = this.#events.get(eventId);
    if (!e) throw new UnknownSimEventError(eventId);
    return e;
  }

  #bump(): void {
    this.#incarnation++;
    this.onChange(this.#incarnation);
  }
}
