// A stand-in Prometheus or Alertmanager on 127.0.0.1 whose answers the test sets, for the alert blocker tests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';

export type Answer = (req: IncomingMessage, res: ServerResponse) => void;

export interface AlertServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Paths (with query) asked for, in order. */
  readonly requests: string[];
  /** How the next requests are answered. */
  answer: Answer;
  /** Resolves when the `n`th request (1-based) has arrived. */
  request(n: number): Promise<void>;
}

export const json =
  (body: unknown, status = 200): Answer =>
  (_req, res) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

/** A Prometheus `/api/v1/alerts` answer. */
export const prometheusAlerts = (alerts: { labels: Record<string, string>; state: 'firing' | 'pending' }[]): Answer =>
  json({ status: 'success', data: { alerts: alerts.map((a) => ({ ...a, annotations: {}, activeAt: '2026-01-01T00:00:00Z', value: '1e+00' })) } });

export async function startAlertServer(t: Test): Promise<AlertServer> {
  const requests: string[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const state: { answer: Answer } = { answer: json({ status: 'success', data: { alerts: [] } }) };
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    for (const w of waiters.filter((x) => x.n <= requests.length)) w.resolve();
    state.answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    get answer() {
      return state.answer;
    },
    set answer(a: Answer) {
      state.answer = a;
    },
    request: (n) => (requests.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
  };
}
