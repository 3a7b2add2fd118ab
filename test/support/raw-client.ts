// Raw HTTP/1.1 over TCP for tests that send what no HTTP client would: bytes in, bytes and the close out.
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

/** A TCP connection that records what the server sends and when it closes. */
export class RawConnection {
  received = Buffer.alloc(0);
  /** The server ended or reset the connection (not this side). */
  closedByServer = false;
  private readonly socket: Socket;
  private readonly waiters = new Set<() => void>();
  /** Resolves with everything received once the connection is closed, by either side. */
  readonly closed: Promise<Buffer>;

  private constructor(socket: Socket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => socket.on('close', () => resolve(this.received)));
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      for (const w of this.waiters) w();
    });
    socket.on('end', () => {
      this.closedByServer = true;
      socket.end();
    });
    socket.on('error', () => {
      this.closedByServer = true;
    });
    void this.closed.then(() => {
      for (const w of this.waiters) w();
    });
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  get open(): boolean {
    return !this.socket.destroyed;
  }

  /** False once the server has closed its side: there is no one left to write to. */
  write(bytes: Buffer | string): boolean {
    if (this.closedByServer || this.socket.destroyed) return false;
    this.socket.write(bytes);
    return true;
  }

  end(): void {
    if (!this.socket.destroyed) this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Resolves once `n` whole responses arrived or the connection closed, whichever is first. */
  responses(n: number, isHead: (i: number) => boolean = () => false): Promise<RawResponse[]> {
    return new Promise((resolve) => {
      const check = () => {
        const parsed = parseResponses(this.received, isHead);
        if (parsed.length >= n || this.socket.destroyed) {
          this.waiters.delete(check);
          resolve(parsed);
        }
      };
      this.waiters.add(check);
      check();
    });
  }
}

/** Rejects with `what` if `promise` has not settled within `ms`: a deadline, not a pause. */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The whole responses at the start of `bytes` (interim 1xx skipped); an incomplete tail is left out. */
export function parseResponses(bytes: Buffer, isHead: (i: number) => boolean = () => false): RawResponse[] {
  const out: RawResponse[] = [];
  let at = 0;
  while (at < bytes.length) {
    const end = bytes.indexOf('\r\n\r\n', at);
    if (end === -1) break;
    const lines = bytes.subarray(at, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? Number.NaN);
    if (Number.isNaN(status)) throw new Error(`not an HTTP response: ${JSON.stringify(lines[0])}`);
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    if (headers.has('transfer-encoding')) throw new Error('a chunked answer: FleetLock answers carry Content-Length');
    const length = status < 200 || isHead(out.length) ? 0 : Number(headers.get('content-length') ?? 0);
    if (end + 4 + length > bytes.length) break;
    if (status >= 200) out.push({ status, headers, body: bytes.subarray(end + 4, end + 4 + length) });
    at = end + 4 + length;
  }
  return out;
}
