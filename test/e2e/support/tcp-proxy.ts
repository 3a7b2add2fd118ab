// A TCP proxy in front of the API server that a test can cut: every open connection reset, new ones held
// (accepted, not forwarded) until it resumes. TLS passes through untouched.
import { connect, createServer, type Server, type Socket } from 'node:net';

export class TcpProxy {
  private readonly open = new Set<[Socket, Socket]>();
  private readonly held = new Set<Socket>();
  private holding = false;

  private constructor(private readonly server: Server, readonly port: number, private readonly target: { host: string; port: number }) {
    server.on('connection', (client) => this.accept(client));
  }

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || !address) throw new Error('the proxy has no port');
    return new TcpProxy(server, address.port, target);
  }

  /** Connections waiting for `resume`. */
  get waiting(): number {
    return this.held.size;
  }

  /** Resets every open connection (the client sees its watch break) and holds new ones. */
  cut(): void {
    this.holding = true;
    for (const [client, upstream] of this.open) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    this.open.clear();
  }

  /** Forwards the held connections and every new one. */
  resume(): void {
    this.holding = false;
    for (const client of this.held) this.forward(client);
    this.held.clear();
  }

  async close(): Promise<void> {
    this.cut();
    for (const client of this.held) client.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    client.on('error', () => undefined);
    if (!this.holding) return this.forward(client);
    client.pause();
    this.held.add(client);
    client.once('close', () => this.held.delete(client));
  }

  private forward(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    const pair: [Socket, Socket] = [client, upstream];
    this.open.add(pair);
    const end = (): void => {
      this.open.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', end).on('close', end);
    client.on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  }
}
