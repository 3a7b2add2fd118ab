// Typed failures of the Instance Metadata Service client; `kind` is a small fixed set for counters.

export type ImdsErrorKind = 'http' | 'timeout' | 'network' | 'malformed';

export abstract class ImdsError extends Error {
  abstract readonly code: string;
  abstract readonly kind: ImdsErrorKind;
  /** Worth another attempt soon: the service said "later" or did not answer. */
  abstract readonly retryable: boolean;
  /** A short label for counters, e.g. `http_429`, `timeout`, `malformed`. */
  get label(): string {
    return this.kind;
  }
}

/** IMDS answered with a non-2xx status. 410, 429 and 5xx are retried; 400/404 mean a bug in the request. */
export class ImdsHttpError extends ImdsError {
  readonly code = 'ERR_IMDS_HTTP';
  readonly kind = 'http';
  readonly retryable: boolean;

  constructor(
    readonly status: number,
    readonly path: string,
    body: string,
  ) {
    super(`IMDS answered ${status} to ${path}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.name = 'ImdsHttpError';
    this.retryable = status === 410 || status === 429 || status >= 500;
  }

  override get label(): string {
    return `http_${this.status}`;
  }
}

/** No answer within the request timeout (the first call may legitimately take up to 2 minutes). */
export class ImdsTimeoutError extends ImdsError {
  readonly code = 'ERR_IMDS_TIMEOUT';
  readonly kind = 'timeout';
  readonly retryable = true;

  constructor(path: string, timeoutMs: number) {
    super(`IMDS did not answer ${path} within ${timeoutMs} ms`);
    this.name = 'ImdsTimeoutError';
  }
}

/** Connection refused, reset, or another transport failure. */
export class ImdsNetworkError extends ImdsError {
  readonly code = 'ERR_IMDS_NETWORK';
  readonly kind = 'network';
  readonly retryable = true;

  constructor(path: string, cause: unknown) {
    super(`IMDS request ${path} failed: ${describe(cause)}`, { cause });
    this.name = 'ImdsNetworkError';
  }
}

/** The answer was not the documented shape; `where` points at the offending field. */
export class ImdsMalformedError extends ImdsError {
  readonly code = 'ERR_IMDS_MALFORMED';
  readonly kind = 'malformed';
  readonly retryable = false;

  constructor(
    readonly where: string,
    problem: string,
  ) {
    super(`malformed IMDS document: ${where} ${problem}`);
    this.name = 'ImdsMalformedError';
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
