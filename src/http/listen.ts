// Starts a server and says where a local client reaches it.
import type { FastifyInstance } from 'fastify';

/** Listens on `host:port` (port 0: any free one) and returns the base URL, e.g. `http://127.0.0.1:8080/`. */
export async function listenAt(app: FastifyInstance, at: { host: string; port: number }, scheme: 'http' | 'https' = 'http'): Promise<string> {
  await app.listen({ host: at.host, port: at.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : at.port;
  // A wildcard address is reached through loopback from this host.
  const host = at.host === '0.0.0.0' || at.host === '::' ? '127.0.0.1' : at.host.includes(':') ? `[${at.host}]` : at.host;
  return `${scheme}://${host}:${port}/`;
}
