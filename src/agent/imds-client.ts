// Client for the Azure Instance Metadata Service: compute identity, scheduled events, early approval.
import pRetry, { AbortError } from 'p-retry';
import { Agent, request, type Dispatcher } from 'undici';
import { COMPUTE_PATH, DEFAULT_IMDS_URL, EVENTS_PATH } from './imds-endpoints.js';
import { ImdsError, ImdsHttpError, ImdsMalformedError, ImdsNetworkError, ImdsTimeoutError } from './imds-errors.js';
import { parseCompute, parseEventsDocument, type ComputeInfo, type EventsDocument } from './scheduled-events.js';

const MAX_BODY_BYTES = 1024 * 1024;

export interface ImdsClientOptions {
  /** Default `http://169.254.169.254`; a path prefix is kept (the simulator serves several VMs under `/vm/<name>`). */
  readonly baseUrl?: string;
  /** Timeout while scheduled events have never answered: the first call switches the feature on and may take 2 minutes. */
  readonly firstCallTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** How long one call keeps retrying 410/429/5xx/timeouts; Microsoft says to retry 410 for up to 70 s. */
  readonly retryBudgetMs?: number;
  readonly backoffMinMs?: number;
  readonly backoffMaxMs?: number;
  /** Default: a private undici Agent, which never uses a proxy from the environment. */
  readonly dispatcher?: Dispatcher;
  /** Told about every failed attempt, retried or not (for logs and counters). */
  readonly onFailedAttempt?: (err: ImdsError, attempt: number) => void;
}

export interface CallOptions {
  /** Stops waiting and retrying (the agent shutting down); the call then rejects with the abort reason. */
  readonly signal?: AbortSignal;
}

/** What the agent needs from IMDS. */
export interface ImdsApi {
  compute(opts?: CallOptions): Promise<ComputeInfo>;
  scheduledEvents(opts?: CallOptions): Promise<EventsDocument>;
  approve(eventId: string, opts?: CallOptions): Promise<void>;
}

interface Call {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly timeoutMs: number;
  readonly body?: string;
  readonly signal?: AbortSignal | undefined;
}

export class ImdsClient implements ImdsApi {
  readonly baseUrl: string;
  readonly #o: Required<Omit<ImdsClientOptions, 'dispatcher' | 'onFailedAttempt' | 'baseUrl'>>;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #onFailedAttempt: ImdsClientOptions['onFailedAttempt'];
  #eventsAnswered = false;

  constructor(options: ImdsClientOptions = {}) {
    const base = new URL(options.baseUrl ?? DEFAULT_IMDS_URL);
    if (base.protocol !== 'http:') throw new TypeError(`IMDS URL must use http, got ${base.protocol}`);
    this.baseUrl = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
    this.#o = {
      firstCallTimeoutMs: options.firstCallTimeoutMs ?? 150_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      retryBudgetMs: options.retryBudgetMs ?? 70_000,
      backoffMinMs: options.backoffMinMs ?? 500,
      backoffMaxMs: options.backoffMaxMs ?? 5_000,
    };
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? new Agent();
    this.#onFailedAttempt = options.onFailedAttempt;
  }

  async compute(opts: CallOptions = {}): Promise<ComputeInfo> {
    return this.#retrying({ method: 'GET', path: COMPUTE_PATH, timeoutMs: this.#o.requestTimeoutMs, signal: opts.signal }, parseCompute);
  }

  async scheduledEvents(opts: CallOptions = {}): Promise<EventsDocument> {
    const timeoutMs = this.#eventsAnswered ? this.#o.requestTimeoutMs : this.#o.firstCallTimeoutMs;
    const doc = await this.#retrying({ method: 'GET', path: EVENTS_PATH, timeoutMs, signal: opts.signal }, parseEventsDocument);
    this.#eventsAnswered = true;
    return doc;
  }

  /** `StartRequests` for one event: releases it for every VM it lists, not just this one. */
  async approve(eventId: string, opts: CallOptions = {}): Promise<void> {
    const body = JSON.stringify({ StartRequests: [{ EventId: eventId }] });
    await this.#retrying({ method: 'POST', path: EVENTS_PATH, timeoutMs: this.#o.requestTimeoutMs, body, signal: opts.signal }, () => undefined);
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  /** One call with retries; `parse` runs inside, so a malformed answer is reported like any failed attempt. */
  #retrying<T>(call: Call, parse: (json: unknown) => T): Promise<T> {
    return pRetry(async () => parse(await this.#once(call)), {
      retries: 1_000,
      maxRetryTime: this.#o.retryBudgetMs,
      minTimeout: this.#o.backoffMinMs,
      maxTimeout: this.#o.backoffMaxMs,
      randomize: true,
      signal: call.signal,
      shouldRetry: ({ error }) => error instanceof ImdsError && error.retryable,
      onFailedAttempt: ({ error, attemptNumber }) => {
        if (error instanceof ImdsError) this.#onFailedAttempt?.(error, attemptNumber);
      },
    });
  }

  async #once(call: Call): Promise<unknown> {
    const { method, path, timeoutMs, body, signal } = call;
    const timeout = AbortSignal.timeout(timeoutMs);
    const fail = (err: unknown): Error => {
      if (err instanceof ImdsError) return err;
      // Shutting down is not an IMDS failure: stop retrying at once.
      if (signal?.aborted) return new AbortError(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return timeout.aborted ? new ImdsTimeoutError(path, timeoutMs) : new ImdsNetworkError(path, err);
    };
    let status: number;
    let text: string;
    try {
      const response = await request(`${this.baseUrl}${path}`, {
        method,
        dispatcher: this.#dispatcher,
        // `Metadata: true` proves the caller is on the VM; IMDS refuses anything carrying X-Forwarded-For.
        headers: body === undefined ? { Metadata: 'true' } : { Metadata: 'true', 'content-type': 'application/json' },
        body,
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      status = response.statusCode;
      text = await readCapped(response.body);
    } catch (err) {
      throw fail(err);
    }
    if (status < 200 || status > 299) throw new ImdsHttpError(status, path, text);
    if (method === 'POST') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ImdsMalformedError('document', `is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
    }
  }
}

async function readCapped(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    size += buf.length;
    // A document larger than this is not one IMDS would send; refuse it rather than buffer it.
    if (size > MAX_BODY_BYTES) {
      body.destroy();
      throw new ImdsMalformedError('document', `is larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
