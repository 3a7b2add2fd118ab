// Fault injection for the simulated IMDS: each fault applies to the next N matching requests.

export type FaultTarget = 'events' | 'compute';

export type Fault =
  | { readonly type: 'status'; readonly status: number }
  | { readonly type: 'delay'; readonly ms: number }
  | { readonly type: 'malformed'; readonly body: string };

interface Queued {
  fault: Fault;
  remaining: number;
  readonly target: FaultTarget;
}

export const DEFAULT_MALFORMED_BODY = '{"DocumentIncarnation":"seven","Events":{}}';

export class Faults {
  readonly #queue: Queued[] = [];

  /** The next `count` requests are answered with `status` (410, 429, 500, ...). */
  failNext(status: number, count = 1, target: FaultTarget = 'events'): void {
    this.#queue.push({ fault: { type: 'status', status }, remaining: count, target });
  }

  /** The next `count` requests are answered only after `ms` (longer than the client's timeout: a timeout). */
  delayNext(ms: number, count = 1, target: FaultTarget = 'events'): void {
    this.#queue.push({ fault: { type: 'delay', ms }, remaining: count, target });
  }

  /** The next `count` GETs get 200 with this body instead of the document. */
  malformedNext(count = 1, body: string = DEFAULT_MALFORMED_BODY, target: FaultTarget = 'events'): void {
    this.#queue.push({ fault: { type: 'malformed', body }, remaining: count, target });
  }

  clear(): void {
    this.#queue.length = 0;
  }

  /** Takes the fault for one request, oldest first. */
  take(target: FaultTarget): Fault | undefined {
    const i = this.#queue.findIndex((q) => q.target === target);
    if (i === -1) return undefined;
    const q = this.#queue[i]!;
    if (--q.remaining <= 0) this.#queue.splice(i, 1);
    return q.fault;
  }
}
