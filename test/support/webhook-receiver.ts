// A webhook receiver on 127.0.0.1 for the notification tests: records each POST, answers as the test says (or never).
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';

export interface Received {
  readonly path: string;
  readonly contentType: string;
  readonly body: Record<string, unknown>;
}

/** How to answer one request: a status (with headers), or `hang` to never answer. */
export type Reply = { status: number; headers?: Record<string, string> } | 'hang';

export interface WebhookReceiver {
  /** http://127.0.0.1:PORT/hook/SECRET-TOKEN: a URL with a secret in it, as Slack's are. */
  readonly url: string;
  /** The secret part of the URL, to look for in logs. */
  readonly secret: string;
  readonly received: Received[];
  /** Answers for the requests to come, in order; once used up, `otherwise`. */
  readonly replies: Reply[];
  otherwise: Reply;
  /** Resolves once `n` requests have arrived (1-based). */
  arrived(n: number): Promise<Received[]>;
  /** Resolves once a request matching `pick` has arrived. */
  arrivedMatching(pick: (r: Received) => boolean): Promise<Received>;
}

export async function startWebhookReceiver(t: Test, opts: { otherwise?: Reply } = {}): Promise<WebhookReceiver> {
  const secret = `T000/B000/s3cr3t${Math.random().toString(36).slice(2, 10)}`;
  const waiters = new Set<() => boolean>();
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      receiver.received.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', body: JSON.parse(text) as Record<string, unknown> });
      for (const w of [...waiters]) if (w()) waiters.delete(w);
      const reply = receiver.replies.shift() ?? receiver.otherwise;
      if (reply === 'hang') return void hanging.add(res);
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
      res.end(reply.status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const waitUntil = <T>(check: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const w = (): boolean => {
        const v = check();
        if (v === undefined) return false;
        resolve(v);
        return true;
      };
      if (!w()) waiters.add(w);
    });
  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/${secret}`,
    secret,
    received: [],
    replies: [],
    otherwise: opts.otherwise ?? { status: 200 },
    arrived: (n) => waitUntil(() => (receiver.received.length >= n ? receiver.received.slice(0, n) : undefined)),
    arrivedMatching: (pick) => waitUntil(() => receiver.received.find(pick)),
  };
  return receiver;
}
