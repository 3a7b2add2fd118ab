// Test harness: the real server on 127.0.0.1 with a fake LockService and a captured logger.
import { connect } from 'node:net';
import { pino } from 'pino';
import { Agent, request } from 'undici';
import type { FastifyInstance } from 'fastify';
import { OK, type Answer as LockAnswer } from '../../src/fleetlock/refusal.js';
import type { ClientParams, LockService, Readiness, RequestContext } from '../../src/fleetlock/types.js';
import { buildInternalServer } from '../../src/http/internal-server.js';
import { listenAt } from '../../src/http/listen.js';
import { buildPublicServer } from '../../src/http/server.js';
import type { TlsServing } from '../../src/http/tls-serving.js';
import type { FleetLockOutcomes } from '../../src/fleetlock/outcomes.js';
import type { ClientLimits } from '../../src/http/client-limits.js';

export interface LockCall {
  readonly endpoint: 'pre-reboot' | 'steady-state';
  readonly params: ClientParams;
}

export type LogLine = Record<string, unknown> & { level: number; msg?: string; reqId?: string };

export interface Harness {
  /** The public FleetLock server. */
  readonly app: FastifyInstance;
  readonly origin: string;
  readonly port: number;
  /** The internal server (probes) beside it. */
  readonly internalOrigin: string;
  readonly calls: LockCall[];
  readonly logs: LogLine[];
  /** What the fake lock does on each call; default: resolves (granted). */
  answer: (call: LockCall, ctx: RequestContext) => Promise<LockAnswer>;
  readiness: { ready: boolean; reason: string } | Error;
  close(): Promise<void>;
}

/** With `tls`, the public server speaks HTTPS and `origin` is `https://127.0.0.1:PORT`. */
export async function startHarness(options: { bodyLimit?: number; trustedProxies?: readonly string[]; tls?: TlsServing; limits?: Partial<ClientLimits>; outcomes?: FleetLockOutcomes } = {}): Promise<Harness> {
  const logs: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  const calls: LockCall[] = [];
  const harness = {
    calls,
    logs,
    answer: (_call: LockCall, _ctx: RequestContext): Promise<LockAnswer> => Promise.resolve(OK),
    readiness: { ready: true, reason: 'leader, cache synced' } as Harness['readiness'],
  };
  const record = (endpoint: LockCall['endpoint']) => (params: ClientParams, ctx: RequestContext) => {
    const call = { endpoint, params };
    calls.push(call);
    return harness.answer(call, ctx);
  };
  const lock: LockService = { preReboot: record('pre-reboot'), steadyState: record('steady-state') };
  const readiness: Readiness = {
    readiness() {
      if (harness.readiness instanceof Error) throw harness.readiness;
      return harness.readiness;
    },
  };
  const app = buildPublicServer({ lock, logger, ...options });
  const internal = buildInternalServer({ readiness, logger });
  const origin = (await listenAt(app, { host: '127.0.0.1', port: 0 }, options.tls ? 'https' : 'http')).slice(0, -1);
  const internalOrigin = (await listenAt(internal, { host: '127.0.0.1', port: 0 })).slice(0, -1);
  return Object.assign(harness, {
    app,
    port: Number(new URL(origin).port),
    origin,
    internalOrigin,
    close: () => Promise.all([app.close(), internal.close()]).then(() => undefined),
  });
}

export const ZINCATI_BODY =
  '{\n  "client_params": {\n    "group": "default",\n    "id": "978a225b3d7b40e9acd7ce9b62f68444"\n  }\n}';

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json(): unknown;
}

const agent = new Agent({ connections: 4 });

/** An HTTP request through a private undici Agent (no proxy, no added Content-Type). */
export async function send(
  origin: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Answer> {
  const res = await request(origin + path, {
    method: (init.method ?? 'POST') as 'POST',
    headers: init.headers ?? { 'fleet-lock-protocol': 'true' },
    body: init.body,
    dispatcher: agent,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
}

export function fleetLockBody(params: unknown): string {
  return JSON.stringify({ client_params: params }, null, 2);
}

/** Sends raw bytes on a fresh TCP connection and returns the raw HTTP response once complete. */
export function sendRaw(port: number, bytes: string): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
      received += chunk;
      const end = received.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = received.slice(0, end);
      const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
      const body = received.slice(end + 4);
      if (length !== undefined && Buffer.byteLength(body) < Number(length)) return;
      socket.destroy();
      resolve({ status: Number(head.split(' ')[1]), head, body });
    });
    socket.write(bytes);
  });
}
