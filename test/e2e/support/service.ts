// A Service in front of the replicas: each request goes to one whose /readyz says ready (only the leader is).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';
import { Agent, request } from 'undici';
import { readyz, type Replica } from './replicas.js';

export interface FrontService {
  readonly url: string;
  /** Which replica answered each forwarded request, in order. */
  readonly servedBy: string[];
}

export async function startService(t: Test, replicas: readonly Replica[]): Promise<FrontService> {
  const servedBy: string[] = [];
  // Client addresses survive, as with externalTrafficPolicy: Local: each goes upstream from its own address.
  const pools = new Map<string, Agent>();
  const poolFor = (address: string): Agent => {
    let pool = pools.get(address);
    if (!pool) pools.set(address, (pool = new Agent({ localAddress: address.replace(/^::ffff:/, '') })));
    return pool;
  };
  t.teardown(() => Promise.all([...pools.values()].map((p) => p.close())).then(() => undefined));
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const codes = await Promise.all(replicas.map(readyz));
        const ready = replicas.find((_, i) => codes[i] === 200);
        // No ready endpoint: a real Service refuses the connection; a 503 says the same to the client.
        if (!ready) return void res.writeHead(503).end();
        servedBy.push(ready.identity);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers[k] = v;
        try {
          const dispatcher = poolFor(req.socket.remoteAddress ?? '127.0.0.1');
          const upstream = await request(`${ready.url}${req.url ?? '/'}`, { method: req.method as 'POST', headers, body: chunks.length ? Buffer.concat(chunks) : undefined, dispatcher });
          const body = Buffer.from(await upstream.body.arrayBuffer());
          res.writeHead(upstream.statusCode, { 'content-type': String(upstream.headers['content-type'] ?? 'application/json') }).end(body);
        } catch {
          res.writeHead(502).end(); // the endpoint died under the request
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, servedBy };
}
