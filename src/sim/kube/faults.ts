// Fault injection: answer chosen requests with an error, add latency, or cut the connection.
import type { RequestInfo } from './request-info.js';

export interface FaultSpec {
  verb?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** Username, e.g. "admin" or "system:serviceaccount:reboot-manager:reboot-manager". */
  user?: string;
  /** Answer with this HTTP status and a matching Status body. */
  status?: number;
  retryAfterSeconds?: number;
  /** Latency before the request is handled (or before the injected status). */
  delayMs?: number;
  /** Destroy the socket without an answer. */
  drop?: boolean;
  /** Apply to this many matching requests, then stop; unlimited when absent. */
  times?: number;
}

export interface FaultHandle {
  readonly hits: number;
  remove(): void;
}

interface Fault {
  spec: FaultSpec;
  hits: number;
}

export interface SimFaults {
  inject(spec: FaultSpec): FaultHandle;
  /** End every open watch stream (of one resource, e.g. "nodes", or all) abruptly. */
  dropWatches(resource?: string): number;
  clear(): void;
}

export class FaultRegistry implements SimFaults {
  private readonly faults: Fault[] = [];

  constructor(private readonly dropWatchStreams: (resource?: string) => number) {}

  inject(spec: FaultSpec): FaultHandle {
    const fault: Fault = { spec: { ...spec }, hits: 0 };
    this.faults.push(fault);
    const faults = this.faults;
    return {
      get hits() {
        return fault.hits;
      },
      remove() {
        const i = faults.indexOf(fault);
        if (i >= 0) faults.splice(i, 1);
      },
    };
  }

  dropWatches(resource?: string): number {
    return this.dropWatchStreams(resource);
  }

  clear(): void {
    this.faults.length = 0;
  }

  /** The first live fault matching the request, counted as hit. */
  take(info: RequestInfo, user: string): FaultSpec | undefined {
    for (const f of this.faults) {
      const s = f.spec;
      if (s.verb !== undefined && s.verb !== info.verb) continue;
      if (s.resource !== undefined && s.resource !== info.resource) continue;
      if (s.subresource !== undefined && s.subresource !== info.subresource) continue;
      if (s.namespace !== undefined && s.namespace !== info.namespace) continue;
      if (s.name !== undefined && s.name !== info.name) continue;
      if (s.user !== undefined && s.user !== user) continue;
      if (s.times !== undefined && f.hits >= s.times) continue;
      f.hits++;
      return s;
    }
    return undefined;
  }
}
