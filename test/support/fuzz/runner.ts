// Sends generated hostile connections to a server, a few at a time, and tallies every answer against the contract.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { setTimeout as pause } from 'node:timers/promises';
import { RawConnection, withDeadline, type RawResponse } from '../raw-client.js';
import { breach, kindOf } from './contract.js';
import { cleanRequest, pipeline, single, type FuzzConnection } from './requests.js';
import type { Rng } from './rng.js';

export interface FuzzReport {
  requests: number;
  connections: number;
  answers: number;
  readonly byStatus: Map<number, number>;
  readonly byKind: Map<string, number>;
  /** Requests that got no answer, by label (the connection closed first). */
  readonly unanswered: Map<string, number>;
  /** The first few breaches of the contract, described; `breachCount` counts them all. */
  readonly breaches: string[];
  breachCount: number;
}

export function emptyReport(): FuzzReport {
  return { requests: 0, connections: 0, answers: 0, byStatus: new Map(), byKind: new Map(), unanswered: new Map(), breaches: [], breachCount: 0 };
}

const bump = <K>(m: Map<K, number>, k: K, n = 1) => m.set(k, (m.get(k) ?? 0) + n);
// Longer than the server's whole-request timeout plus the time it lingers after an answer.
const CONNECTION_DEADLINE_MS = 30_000;

function note(report: FuzzReport, c: FuzzConnection, what: string): void {
  report.breachCount++;
  if (report.breaches.length < 10) report.breaches.push(`${c.label}: ${what}; sent ${JSON.stringify(c.bytes.toString('latin1').slice(0, 160))}`);
}

function split(bytes: Buffer, pieces: number, upfront = 0): Buffer[] {
  const rest = bytes.subarray(upfront);
  const size = Math.ceil(rest.length / pieces);
  const parts = Array.from({ length: pieces }, (_, i) => rest.subarray(i * size, (i + 1) * size));
  return [bytes.subarray(0, upfront), ...parts].filter((b) => b.length > 0);
}

/** One connection: write (in pieces, `gapMs` apart for a slow client), wait for its answers or its close, judge them. */
export async function exchange(port: number, c: FuzzConnection, report: FuzzReport, gapMs = 0): Promise<{ closedByServer: boolean; answers: RawResponse[] }> {
  report.connections++;
  report.requests += c.requests;
  const conn = await RawConnection.open(port);
  try {
    for (const piece of split(c.bytes, c.pieces, c.upfront)) {
      if (!conn.write(piece)) break;
      // A slow client's pace is what is tested; otherwise yield so the pieces leave as separate writes.
      await (gapMs > 0 ? pause(gapMs) : yieldToLoop());
    }
    if (c.fin) conn.end();
    const answers = await withDeadline(conn.responses(c.requests, () => c.head), CONNECTION_DEADLINE_MS, `${c.label} answered or closed`);
    report.answers += answers.length;
    if (answers.length < c.requests) bump(report.unanswered, c.label, c.requests - answers.length);
    for (const res of answers) {
      bump(report.byStatus, res.status);
      bump(report.byKind, kindOf(res, c.head));
      const wrong = breach(res, c.head);
      if (wrong) note(report, c, wrong);
    }
    return { closedByServer: conn.closedByServer, answers };
  } catch (err) {
    note(report, c, (err as Error).message);
    return { closedByServer: conn.closedByServer, answers: [] };
  } finally {
    conn.destroy();
  }
}

/** Hostile connections until `requests` requests are generated: half pipelines of well-framed requests, half hostile framing. */
export function* connections(rng: Rng, requests: number, forbidden: readonly string[]): Generator<FuzzConnection> {
  for (let made = 0; made < requests; ) {
    const c = rng.chance(0.5) ? pipeline(rng) : single(rng);
    // A real node's id would be a legitimate request that changes its Node: the fuzz asks only for ids no Node has.
    const text = c.bytes.toString('latin1');
    if (forbidden.some((id) => text.includes(id))) continue;
    made += c.requests;
    yield c;
  }
}

/** Runs `source` through `concurrency` connections at a time. */
export async function runAll(port: number, source: Iterator<FuzzConnection>, concurrency: number, report: FuzzReport): Promise<void> {
  const worker = async () => {
    for (let next = source.next(); !next.done; next = source.next()) await exchange(port, next.value, report);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Slow clients: dripping headers or body past the server's timeouts, and slow ones that finish in time. */
export function slowClients(rng: Rng, each: number): { connection: FuzzConnection; gapMs: number; cut: boolean }[] {
  const out: { connection: FuzzConnection; gapMs: number; cut: boolean }[] = [];
  for (let i = 0; i < each; i++) {
    const request = cleanRequest(rng);
    const base = { requests: 1, pipelined: true, head: false, fin: false };
    // A byte every 300 ms: the request line alone takes longer than the header timeout.
    out.push({ connection: { ...base, label: 'slow headers', bytes: request, pieces: request.length }, gapMs: 300, cut: true });
    const body = Buffer.from(`{"client_params":{"id":"fz-slow-${i}","group":"default"}}`);
    const head = Buffer.from(`POST /v1/pre-reboot HTTP/1.1\r\nhost: x\r\nfleet-lock-protocol: true\r\ncontent-length: ${body.length}\r\n\r\n`);
    // Headers at once, then the body byte by byte: only the whole-request timeout applies.
    out.push({ connection: { ...base, label: 'slow body', bytes: Buffer.concat([head, body]), upfront: head.length, pieces: body.length }, gapMs: 300, cut: true });
    out.push({ connection: { ...base, label: 'slow but in time', bytes: request, pieces: 4 }, gapMs: 150, cut: false });
  }
  return out;
}
