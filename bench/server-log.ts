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

  /** Bytes written so far: a mark for `messagesSince`. */
  async size(): Promise<number> {
    return (await stat(this.path)).size;
  }

  /** The messages of the lines written after `mark`. */
  async messagesSince(mark: number): Promise<string[]> {
    return parseLines((await readFile(this.path)).subarray(mark).toString('utf8')).map((r) => r.msg);
  }

  /** What was written since `startCounting`. */
  async volume(): Promise<LogVolume> {
    const text = (await readFile(this.path)).subarray(this.mark).toString('utf8');
    const records = parseLines(text);
    const counts = new Map<string, number>();
    for (const { msg } of records) counts.set(msg, (counts.get(msg) ?? 0) + 1);
    const warnings = records.filter((r) => r.level >= 40).map((r) => r.line);
    return { lines: records.length, bytes: Buffer.byteLength(text), byMessage: [...counts].sort((a, b) => b[1] - a[1]), warnings };
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

interface LogLine {
  readonly line: string;
  readonly msg: string;
  /** pino's level number; 0 when the line has none. */
  readonly level: number;
}

function parseLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((line) => {
      let record: { msg?: unknown; level?: unknown };
      try {
        record = JSON.parse(line) as typeof record;
      } catch {
        record = { msg: '(not JSON)' };
      }
      return { line, msg: typeof record.msg === 'string' ? record.msg : '(no message)', level: typeof record.level === 'number' ? record.level : 0 };
    });
}

/** `1,234 lines (210 KB): 1,000 x "fleetlock refusal", ...` */
export function volumeText(v: LogVolume): string {
  const top = v.byMessage.slice(0, 4).map(([msg, n]) => `${n.toLocaleString('en')} x "${msg}"`).join(', ');
  return `${v.lines.toLocaleString('en')} lines (${(v.bytes / 1024).toFixed(0)} KB)${top ? `: ${top}` : ''}`;
}
