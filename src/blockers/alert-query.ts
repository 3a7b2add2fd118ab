// One question to Prometheus or Alertmanager: which alerts fire now. Bounded in time and in size.
import { request, type Dispatcher } from 'undici';
import type { Clock } from '../clock/clock.js';
import { urlsToOrigins } from '../logging/safe-url.js';
import { ALERTS_PATH, errorText, firingAlerts, type AlertApi, type FiringAlert } from './alert-answers.js';
import { AlertQueryError } from './alert-query-error.js';
import { describeServer } from './describe.js';

/** No alerts answer we act on is this large; a bigger one is refused rather than buffered. */
export const MAX_ALERTS_BODY_BYTES = 4 * 1024 * 1024;

export interface AlertQuery {
  /** Base URL, without a trailing slash. */
  readonly url: string;
  readonly api: AlertApi;
  readonly timeoutMs: number;
  readonly dispatcher: Dispatcher;
  /** The timeout runs on this clock. */
  readonly clock: Clock;
  /** Aborts the question (the poller stopping); the call then rejects with the signal's reason. */
  readonly signal: AbortSignal;
}

async function readCapped(body: Dispatcher.ResponseData['body'], where: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_ALERTS_BODY_BYTES) {
      body.destroy();
      throw new AlertQueryError('too-large', `${where} answered more than ${MAX_ALERTS_BODY_BYTES} bytes: refused`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function ask(q: AlertQuery, signal: AbortSignal, where: string): Promise<FiringAlert[]> {
  const response = await request(`${q.url}${ALERTS_PATH[q.api]}`, {
    method: 'GET',
    dispatcher: q.dispatcher,
    headers: { accept: 'application/json' },
    signal,
    // Backstops on real time; the clock's timer is the timeout that counts.
    headersTimeout: q.timeoutMs,
    bodyTimeout: q.timeoutMs,
  });
  const length = Number(response.headers['content-length']);
  if (length > MAX_ALERTS_BODY_BYTES) {
    response.body.destroy();
    throw new AlertQueryError('too-large', `${where} answered ${length} bytes, more than ${MAX_ALERTS_BODY_BYTES}: refused`);
  }
  const text = await readCapped(response.body, where);
  if (response.statusCode < 200 || response.statusCode > 299) {
    const detail = errorText(text);
    throw new AlertQueryError('http', `${where} answered ${response.statusCode}${detail ? `: ${urlsToOrigins(detail)}` : ''}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new AlertQueryError('malformed', `${where} answered something that is not JSON`);
  }
  return firingAlerts(q.api, doc, where);
}

/** The alerts firing now; throws `AlertQueryError` (or the stop signal's reason once `q.signal` aborts). */
export async function queryFiringAlerts(q: AlertQuery): Promise<FiringAlert[]> {
  const where = describeServer(q.api, q.url);
  const timeout = new AbortController();
  const cancel = q.clock.setTimer(q.timeoutMs, () => timeout.abort(new AlertQueryError('timeout', `${where} did not answer within ${q.timeoutMs / 1000} s`)));
  try {
    return await ask(q, AbortSignal.any([q.signal, timeout.signal]), where);
  } catch (err) {
    if (q.signal.aborted) throw q.signal.reason;
    if (timeout.signal.aborted) throw timeout.signal.reason;
    if (err instanceof AlertQueryError) throw err;
    const name = (err as { code?: string }).code;
    if (name === 'UND_ERR_HEADERS_TIMEOUT' || name === 'UND_ERR_BODY_TIMEOUT') throw new AlertQueryError('timeout', `${where} did not answer within ${q.timeoutMs / 1000} s`);
    throw new AlertQueryError('unreachable', `${where} unreachable: ${urlsToOrigins(err instanceof Error ? err.message : String(err))}`);
  } finally {
    cancel();
  }
}
