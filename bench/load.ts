// Closed-loop HTTP load: a fixed number of clients, each sending its next request as soon as the last is answered.
import { Pool } from 'undici';

export interface LoadOptions {
  readonly origin: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  /** Bodies sent in turn, e.g. one per node id. */
  readonly bodies: readonly string[];
  readonly concurrency: number;
  /** Requests sent first and not measured (connections open, JIT warm). */
  readonly warmupRequests: number;
  readonly requests: number;
  /** wrk only: its threads, and how long it sends (after a warm-up run of `warmupSeconds`). */
  readonly threads: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
}

export interface LoadResult {
  /** Requests answered in the measured run. */
  readonly requests: number;
  /** Requests sent in all, warm-up included (the denominator of Kubernetes calls per request). */
  readonly sent: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Answers by HTTP status (0: no answer). */
  readonly statuses: Record<number, number>;
  /** Answers by status and FleetLock refusal kind, as scenarios name what they expect: `200`, `423 slots_full`. */
  readonly answers: Record<string, number>;
  /** One answer body per status, to show what the server said. */
  readonly sample: Record<number, string>;
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(opts.origin, { connections: opts.concurrency, pipelining: 1 });
  try {
    await phase(pool, opts, opts.warmupRequests, undefined);
    const latencies = new Float64Array(opts.requests);
    const statuses: Record<number, number> = {};
    const answers: Record<string, number> = {};
    const sample: Record<number, string> = {};
    const started = performance.now();
    await phase(pool, opts, opts.requests, { latencies, statuses, answers, sample });
    const seconds = (performance.now() - started) / 1000;
    latencies.sort();
    return {
      requests: opts.requests,
      sent: opts.requests + opts.warmupRequests,
      seconds,
      perSecond: opts.requests / seconds,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      statuses,
      answers,
      sample,
    };
  } finally {
    await pool.close();
  }
}

interface Tally {
  latencies: Float64Array;
  statuses: Record<number, number>;
  answers: Record<string, number>;
  sample: Record<number, string>;
}

async function phase(pool: Pool, opts: LoadOptions, total: number, record: Tally | undefined): Promise<void> {
  let next = 0;
  const client = async (): Promise<void> => {
    for (let i = next++; i < total; i = next++) {
      const body = opts.bodies[i % opts.bodies.length] ?? '';
      const t0 = performance.now();
      let status = 0;
      let text = '';
      try {
        const res = await pool.request({ path: opts.path, method: 'POST', headers: opts.headers, body });
        status = res.statusCode;
        text = await res.body.text();
      } catch (err) {
        text = (err as Error).message;
      }
      if (!record) continue;
      record.latencies[i] = performance.now() - t0;
      record.statuses[status] = (record.statuses[status] ?? 0) + 1;
      const answer = answerOf(status, text);
      record.answers[answer] = (record.answers[answer] ?? 0) + 1;
      record.sample[status] ??= text.slice(0, 200);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, client));
}

/** `423 slots_full` for a FleetLock refusal (its `kind`), else the status alone. */
export function answerOf(status: number, body: string): string {
  const kind = /"kind":"([a-z_]+)"/.exec(body)?.[1];
  return kind ? `${status} ${kind}` : String(status);
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}
