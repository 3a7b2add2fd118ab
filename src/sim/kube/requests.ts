// A log of every request served, for tests and benchmarks that count API calls.

export interface RequestRecord {
  verb: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  user: string;
  /** HTTP status; 0 when the connection was dropped by a fault. */
  status: number;
  path: string;
}

export type RequestFilter = Partial<RequestRecord>;

export interface SimRequestLog {
  count(filter?: RequestFilter): number;
  list(filter?: RequestFilter): RequestRecord[];
  reset(): void;
  /** Counts per "verb resource[/subresource]", for the standalone /_sim/requests endpoint. */
  summary(): Record<string, number>;
}

export class RequestLog implements SimRequestLog {
  private records: RequestRecord[] = [];

  add(r: RequestRecord): void {
    this.records.push(r);
  }

  list(filter: RequestFilter = {}): RequestRecord[] {
    const keys = Object.keys(filter) as (keyof RequestRecord)[];
    return this.records.filter((r) => keys.every((k) => filter[k] === undefined || filter[k] === r[k]));
  }

  count(filter: RequestFilter = {}): number {
    return this.list(filter).length;
  }

  reset(): void {
    this.records = [];
  }

  summary(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.records) {
      const key = r.resource ? `${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ''}` : `${r.verb} ${r.path}`;
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  }
}
