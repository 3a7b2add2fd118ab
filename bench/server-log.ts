// The server's stdout in a file, as a container runtime keeps it: what it wrote while under load is a figure too.
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';

export interface LogVolume {
  readonly lines: number;
  readonly bytes: number;
  /** Lines by message, most frequent first. */
  readonly byMessage: readonly (readonly [string, number])[];
  /** Lines at warn or above, as written. */
  readonly warnings: readonly string[];
}

export class ServerLog {
  private mark = 0;

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
  ) {}

  static async create(path: string): Promise<ServerLog> {
    return new ServerLog(path, await open(path, 'a'));
  }

  /** The descriptor to hand the child as its stdout. */
  get fd(): number {
    return this.file.fd;
  }

  /** Counts from here on. */
  async startCounting(): Promise<void> {
    this.mark = (await stat(this.path)).size;
  }

  /** What was written since `startCounting`. */
  async volume(): Promise<LogVolume> {
    const text = (await readFile(this.path)).subarray(this.mark).toString('utf8');
    const lines = text.split('\n').filter((l) => l.length > 0);
    const counts = new Map<string, number>();
    const warnings: string[] = [];
    for (const line of lines) {
      let record: { msg?: unknown; level?: unknown };
      try {
        record = JSON.parse(line) as typeof record;
      } catch {
        record = { msg: '(not JSON)' };
      }
      const msg = typeof record.msg === 'string' ? record.msg : '(no message)';
      counts.set(msg, (counts.get(msg) ?? 0) + 1);
      if (typeof record.level === 'number' && record.level >= 40) warnings.push(line);
    }
    return { lines: lines.length, bytes: Buffer.byteLength(text), byMessage: [...counts].sort((a, b) => b[1] - a[1]), warnings };
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

/** `1,234 lines (210 KB): 1,000 x "fleetlock refusal", ...` */
export function volumeText(v: LogVolume): string {
  const top = v.byMessage.slice(0, 4).map(([msg, n]) => `${n.toLocaleString('en')} x "${msg}"`).join(', ');
  return `${v.lines.toLocaleString('en')} lines (${(v.bytes / 1024).toFixed(0)} KB)${top ? `: ${top}` : ''}`;
}
