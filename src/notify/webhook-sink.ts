// One POST of one body to one receiver, within a per-attempt timeout; a failure says whether retrying can help.
import { request, type Dispatcher } from 'undici';
import type { Clock } from '../clock/clock.js';

export type DeliveryErrorCode = 'status' | 'network' | 'timeout';

/** Never carries the URL: a webhook URL is a secret. */
export class DeliveryError extends Error {
  constructor(
    readonly code: DeliveryErrorCode,
    message: string,
    /** 5xx, 429, network failures and timeouts are retried; other 4xx answers are not. */
    readonly retryable: boolean,
    readonly status?: number,
    /** From a Retry-After header. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface WebhookTarget {
  readonly url: string;
  readonly timeoutMs: number;
  /** Tests point this at a local receiver; default: undici's global pool. */
  readonly dispatcher?: Dispatcher;
}

/** POSTs `body` (JSON) once; resolves on any 2xx, else throws a DeliveryError. */
export async function postOnce(target: WebhookTarget, body: string, clock: Clock, stop: AbortSignal): Promise<void> {
  const attempt = new AbortController();
  const cancel = clock.setTimer(target.timeoutMs, () => attempt.abort());
  const signal = AbortSignal.any([stop, attempt.signal]);
  try {
    const res = await request(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'reboot-manager' },
      body,
      signal,
      ...(target.dispatcher ? { dispatcher: target.dispatcher } : {}),
    });
    await res.body.dump({ signal, limit: 65_536 });
    const status = res.statusCode;
    if (status >= 200 && status < 300) return;
    const retryAfterMs = retryAfter(res.headers['retry-after'], clock.now());
    const retryable = status >= 500 || status === 429;
    throw new DeliveryError('status', `answered HTTP ${status}`, retryable, status, retryAfterMs);
  } catch (err) {
    if (err instanceof DeliveryError) throw err;
    if (attempt.signal.aborted && !stop.aborted) throw new DeliveryError('timeout', `no answer within ${target.timeoutMs}ms`, true);
    // undici's messages may quote the address; its error code says enough.
    const code = (err as { code?: unknown }).code;
    throw new DeliveryError('network', `network error${typeof code === 'string' ? ` (${code})` : ''}`, !stop.aborted);
  } finally {
    cancel();
  }
}

/** `Retry-After`: seconds, or an HTTP date; undefined when absent or unreadable. */
export function retryAfter(header: string | string[] | undefined, now: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
