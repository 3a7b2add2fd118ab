// Errors are logged as type, code, message and stack only: library errors can carry requests, headers and configs.

export interface SerializedError {
  readonly type: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
}

/** pino `err` serializer that drops every other property (and `cause`, which may be a client library error). */
export function serializeError(err: unknown): SerializedError | string {
  if (!(err instanceof Error)) return typeof err === 'string' ? err : String(err);
  const code = (err as { code?: unknown }).code;
  return {
    type: err.name,
    message: err.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code: String(code) } : {}),
    ...(err.stack ? { stack: err.stack } : {}),
  };
}
