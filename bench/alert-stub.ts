// A Prometheus on 127.0.0.1 with no alert firing, for the policy scenario's alert blocker to ask.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AlertStub {
  /** http://127.0.0.1:PORT, the blocker's base URL. */
  readonly url: string;
  /** Questions answered so far. */
  readonly asked: () => number;
  readonly close: () => Promise<void>;
}

const NO_ALERTS = JSON.stringify({ status: 'success', data: { alerts: [] } });

/** Answers `GET /api/v1/alerts` (what src/blockers/alert-query.ts asks) with no alerts; anything else 404. */
export async function startAlertStub(): Promise<AlertStub> {
  let asked = 0;
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/api/v1/alerts') {
      res.writeHead(404).end();
      return;
    }
    asked++;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(NO_ALERTS) }).end(NO_ALERTS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    asked: () => asked,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
