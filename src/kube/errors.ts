import { ApiException } from '@kubernetes/client-node';
import { urlsToOrigins } from '../logging/safe-url.js';

export type KubeErrorCode =
  | 'conflict'
  | 'not_found'
  | 'forbidden'
  | 'throttled'
  | 'invalid'
  | 'unavailable'
  | 'timeout'
  | 'expired';

/** A Kubernetes API failure as a typed value: callers branch on `code`, operators read `message`. */
export class KubeError extends Error {
  readonly code: KubeErrorCode;
  readonly status: number | undefined;
  readonly reason: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  /** `details.causes[].message` of the Status, e.g. the budget that blocked an eviction. */
  readonly causes: readonly { reason?: string; message?: string }[];

  constructor(
    code: KubeErrorCode,
    message: string,
    opts: { status?: number; reason?: string; retryAfterSeconds?: number; causes?: KubeError['causes']; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'KubeError';
    this.code = code;
    this.status = opts.status;
    this.reason = opts.reason;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.causes = opts.causes ?? [];
  }
}

export interface StatusBody {
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

export function parseStatus(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body.slice(0, 200) };
    }
  }
  return typeof body === 'object' && body !== null ? body : {};
}

/** The one map from an HTTP status to an error code, for every API answer. */
export function codeForStatus(status: number): KubeErrorCode {
  if (status === 409) return 'conflict';
  if (status === 410) return 'expired';
  if (status === 404) return 'not_found';
  if (status === 403 || status === 401) return 'forbidden';
  if (status === 429) return 'throttled';
  if (status === 400 || status === 422) return 'invalid';
  if (status === 504 || status === 408) return 'timeout';
  return 'unavailable';
}

/** Turns whatever the client library threw into a `KubeError` with a one-line message. */
export function toKubeError(err: unknown, what: string): KubeError {
  if (err instanceof KubeError) return err;
  if (err instanceof ApiException) {
    const status = (err as ApiException<unknown>).code;
    const body = parseStatus((err as ApiException<unknown>).body);
    const retryAfter = Number((err as ApiException<unknown>).headers?.['retry-after']);
    return new KubeError(codeForStatus(status), `${what}: ${status} ${body.reason ?? ''} ${body.message ?? ''}`.replace(/\s+/g, ' ').trim(), {
      status,
      ...(body.reason === undefined ? {} : { reason: body.reason }),
      ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}),
      causes: body.details?.causes ?? [],
      cause: err,
    });
  }
  // Network errors quote the request URL; the kubeconfig's server URL may carry a token: keep the origin only.
  const message = urlsToOrigins((err instanceof Error ? err.message.split('\n')[0] : String(err)) ?? '');
  return new KubeError('unavailable', `${what}: ${message}`, { cause: err });
}

/** Errors worth retrying: the API may answer differently next time. */
export function isRetryable(err: KubeError): boolean {
  return err.code === 'unavailable' || err.code === 'throttled' || err.code === 'timeout';
}
