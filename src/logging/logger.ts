// The one way the commands build their logger: JSON (pretty on a terminal), credentials redacted, errors trimmed.
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { serializeError } from './error-serializer.js';
import { prettyDestination } from './pretty.js';
import { REDACT_PATHS, REDACTED } from './redact.js';

export interface LoggerSettings {
  readonly level: Level | 'silent';
  /** Fields on every line, e.g. `{ replica: 'reboot-manager-0' }`. */
  readonly base?: Record<string, unknown>;
  /** Where JSON lines go (tests capture them); default stdout, pretty when stdout is a terminal. */
  readonly destination?: DestinationStream;
}

export function createLogger(settings: LoggerSettings): Logger {
  // Synchronous writes: a crash loses no line, and the request paths write few (repeated refusals are counted, not logged).
  const destination = settings.destination ?? (process.stdout.isTTY ? prettyDestination(process.stdout) : pino.destination({ fd: 1, sync: true }));
  return pino(
    {
      level: settings.level,
      ...(settings.base ? { base: settings.base } : {}),
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      serializers: { err: serializeError, error: serializeError },
    },
    destination,
  );
}
