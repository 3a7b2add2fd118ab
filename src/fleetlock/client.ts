// A FleetLock client that speaks exactly like Zincati: for simulated agents and the Azure IMDS agent.
import { Agent, request, type Dispatcher } from 'undici';
import { ENDPOINT_PATHS, type FleetLockEndpoint } from './endpoint.js';
import { PROTOCOL_HEADER } from './protocol-header.js';

/** Zincati's own completion timeout for one FleetLock request: 30 minutes. */
export const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;
const MAX_ERROR_BODY_BYTES = 64 * 1024;

export interface FleetLockClientOptions {
  /** Base URL, joined with `v1/...` by RFC 3986 rules: keep a trailing slash to keep a path prefix. */
  readonly baseUrl: string | URL;
  readonly id: string;
  readonly group: string;
  /** Whole-request timeout (connect, headers and body). Default: Zincati's 30 minutes. */
  readonly timeoutMs?: number;
  /** Default: a private undici `Agent`, which never uses a proxy from the environment. */
  readonly dispatcher?: Dispatcher;
  /** The local IP address the private `Agent` connects from (the server checks callers by address). */
  readonly localAddress?: string;
}

/**
 * Outcome of one request. Any 2xx is `ok` (as Zincati reboots on any 2xx). Otherwise `kind` and
 * `value` come from the server's `{"kind","value"}` body, or are `generic_http_<status>` /
 * `(unknown server error)` as Zincati synthesizes them, or `network` with `status: 0` when no
 * HTTP answer arrived (refused connection, reset, timeout).
 */
export type FleetLockResult =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly status: number; readonly kind: string; readonly value: string };

/** Thrown by the constructor for a base URL a FleetLock client cannot use. */
export class InvalidBaseUrlError extends Error {
  readonly code = 'ERR_FLEETLOCK_BASE_URL';

  constructor(baseUrl: string, reason: string) {
    super(`FleetLock base URL ${JSON.stringify(baseUrl)} ${reason}`);
    this.name = 'InvalidBaseUrlError';
  }
}

function resolveEndpoint(baseUrl: string | URL, endpoint: FleetLockEndpoint): URL {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new InvalidBaseUrlError(String(baseUrl), 'is not a valid URL');
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new InvalidBaseUrlError(String(baseUrl), 'must use http or https');
  }
  return new URL(ENDPOINT_PATHS[endpoint], base);
}

async function readCapped(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    chunks.push(buf);
    size += buf.length;
    // A hostile or broken server does not get to fill our memory with an error page.
    if (size >= MAX_ERROR_BODY_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseRejection(status: number, text: string): FleetLockResult {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) {
      const { kind, value } = parsed as Record<string, unknown>;
      if (typeof kind === 'string' && typeof value === 'string') return { ok: false, status, kind, value };
    }
  } catch {
    // Not JSON: fall through to the generic rejection, as Zincati does.
  }
  return { ok: false, status, kind: `generic_http_${status}`, value: '(unknown server error)' };
}

export class FleetLockClient {
  readonly preRebootUrl: URL;
  readonly steadyStateUrl: URL;
  readonly #body: string;
  readonly #timeoutMs: number;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;

  constructor(options: FleetLockClientOptions) {
    this.preRebootUrl = resolveEndpoint(options.baseUrl, 'pre-reboot');
    this.steadyStateUrl = resolveEndpoint(options.baseUrl, 'steady-state');
    // Zincati's body: serde's pretty printer, two-space indent, fields in this order, no trailing newline.
    this.#body = JSON.stringify({ client_params: { group: options.group, id: options.id } }, null, 2);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? new Agent(options.localAddress ? { localAddress: options.localAddress } : {});
  }

  /** Asks for a reboot slot. `ok` means the node may reboot now. */
  preReboot(): Promise<FleetLockResult> {
    return this.#post(this.preRebootUrl);
  }

  /** Gives the slot back (or confirms the node holds none). */
  steadyState(): Promise<FleetLockResult> {
    return this.#post(this.steadyStateUrl);
  }

  /** Closes the private dispatcher; a dispatcher passed in stays the caller's to close. */
  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  async #post(url: URL): Promise<FleetLockResult> {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: 'POST',
        dispatcher: this.#dispatcher,
        // No Content-Type, as Zincati (reqwest with a string body) sends none.
        headers: { [PROTOCOL_HEADER]: 'true', accept: '*/*' },
        body: this.#body,
        signal: AbortSignal.timeout(this.#timeoutMs),
        // The abort signal bounds the whole request; a lock server may hold an answer for long.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
    } catch (err) {
      return { ok: false, status: 0, kind: 'network', value: describeNetworkError(err, this.#timeoutMs) };
    }
    const status = response.statusCode;
    try {
      if (status >= 200 && status < 300) {
        await response.body.dump();
        return { ok: true, status };
      }
      return parseRejection(status, await readCapped(response.body));
    } catch (err) {
      // The status arrived but the body broke off: the answer still counts, the text is lost.
      if (status >= 200 && status < 300) return { ok: true, status };
      return { ok: false, status, kind: `generic_http_${status}`, value: describeNetworkError(err, this.#timeoutMs) };
    }
  }
}

function describeNetworkError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
