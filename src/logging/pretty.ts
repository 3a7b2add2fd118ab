// A human-readable line per log record for a terminal; JSON stays the default everywhere else.
import type { DestinationStream } from 'pino';

const LEVELS: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
// Fields shown elsewhere on the line, or noise on a terminal.
const SHOWN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'reqId']);

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/** `12:04:05.123 INFO  [reqId] message key=value ...`, no colours. */
export function prettyLine(record: Record<string, unknown>): string {
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 23) : '';
  const level = LEVELS[Number(record.level)] ?? String(record.level);
  const reqId = record.reqId === undefined ? '' : ` [${formatValue(record.reqId)}]`;
  const fields = Object.entries(record)
    .filter(([key, value]) => !SHOWN.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${formatValue(value)}`);
  const msg = typeof record.msg === 'string' ? record.msg : '';
  return `${time} ${level}${reqId} ${msg}${fields.length > 0 ? ` ${fields.join(' ')}` : ''}\n`;
}

/** A pino destination that rewrites each JSON record as a pretty line on `out`. */
export function prettyDestination(out: { write(chunk: string): unknown }): DestinationStream {
  return {
    write(line: string): void {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      out.write(prettyLine(record));
    },
  };
}
