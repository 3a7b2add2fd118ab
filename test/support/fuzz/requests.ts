// Hostile requests on the wire: clean framing around hostile content (pipelinable), and hostile framing (one per connection).
import { oversizedBody, smallBody } from './bodies.js';
import type { Rng } from './rng.js';

/** Bytes for one connection, and how many answers they should get. */
export interface FuzzConnection {
  /** What kind of hostility, for the report. */
  readonly label: string;
  readonly bytes: Buffer;
  /** Requests on it: the answers to wait for. */
  readonly requests: number;
  /** Every request is well framed: each must be answered. */
  readonly pipelined: boolean;
  /** The one request is HEAD: its answer has no body. */
  readonly head: boolean;
  /** Half-close after writing: the request is incomplete by construction. */
  readonly fin: boolean;
  /** Writes the bytes in this many pieces (1: at once). */
  readonly pieces: number;
  /** Bytes written at once before the pieces (a slow body after whole headers). */
  readonly upfront?: number;
}

// Paths the status page, probes and metrics answer; a FleetLock fuzz stays off them.
const INTERNAL = new Set(['/', '/healthz', '/readyz', '/metrics', '/api/v1/status']);
const ENDPOINTS = ['/v1/pre-reboot', '/v1/steady-state'];
const OTHER_METHODS = ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND', 'PURGE', 'LINK', 'TRACE', 'QUERY', 'SEARCH', 'MKCOL', 'M-SEARCH'];
const CONTENT_TYPES = ['application/json', 'text/plain', 'application/json; charset=latin1', 'multipart/form-data; boundary=', ';;;', 'application/x-www-form-urlencoded', '*/*', 'a/b; c="d'];
const PROTOCOL_HEADERS = ['true', 'true', 'true', 'true', 'true', 'true', 'true', 'TRUE', 'false', '1', '', 'true, true', 'yes'];

function path(rng: Rng): string {
  const prefix = rng.pick(['', '', '/fleet', '/', '/a/b/', '/%00', '/..', '/../..', '/v1/pre-reboot', '/%2e%2e', `/${rng.text(rng.int(3000))}`]);
  const suffix = rng.pick(['', '', '', '?x=1', `?${rng.text(rng.int(200))}`, '?__proto__[a]=1&constructor=1', '#frag', '/', '/x', '%2F', '?']);
  const p = rng.chance(0.85) ? prefix + rng.pick(ENDPOINTS) + suffix : `/${rng.text(rng.int(60))}${suffix}`;
  const bare = p.split('?')[0] ?? p;
  return INTERNAL.has(bare) ? '/nothing-here' : p;
}

function headerLines(rng: Rng): string[] {
  const lines: string[] = [];
  if (rng.chance(0.97)) lines.push(`${rng.pick(['host', 'Host', 'HOST'])}: ${rng.pick(['x', '127.0.0.1:8080', 'reboot-manager.svc', rng.text(rng.int(100))])}`);
  if (rng.chance(0.9)) lines.push(`fleet-lock-protocol: ${rng.pick(PROTOCOL_HEADERS)}`);
  if (rng.chance(0.1)) lines.push(`Fleet-Lock-Protocol: ${rng.pick(PROTOCOL_HEADERS)}`);
  if (rng.chance(0.3)) lines.push(`content-type: ${rng.pick(CONTENT_TYPES)}`);
  if (rng.chance(0.05)) lines.push(`expect: ${rng.pick(['100-continue', 'coffee', '200-ok'])}`);
  if (rng.chance(0.05)) lines.push('connection: keep-alive');
  for (let n = rng.chance(0.3) ? rng.int(20) : 0; n > 0; n--) lines.push(`x-${rng.text(1 + rng.int(20))}: ${rng.text(rng.int(80), ' !#$%&()*+,-./0123456789:;<=>?@ABCZ[]^_`abcz{|}~')}`);
  return lines;
}

/** Valid hex chunks of `body`, some with a chunk extension, then the last chunk. */
function chunked(rng: Rng, body: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length; ) {
    const size = Math.min(body.length - at, 1 + rng.int(64));
    const hex = rng.chance(0.5) ? size.toString(16).toUpperCase() : `00${size.toString(16)}`;
    parts.push(Buffer.from(`${hex}${rng.chance(0.1) ? ';a=b' : ''}\r\n`), body.subarray(at, at + size), Buffer.from('\r\n'));
    at += size;
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

/** A well-framed request with hostile method, path, headers or body. */
export function cleanRequest(rng: Rng): Buffer {
  const method = rng.chance(0.8) ? 'POST' : rng.pick(OTHER_METHODS);
  const body = smallBody(rng);
  const lines = headerLines(rng);
  const useChunked = rng.chance(0.15);
  lines.push(useChunked ? 'transfer-encoding: chunked' : `content-length: ${body.length}`);
  const head = Buffer.from(`${method} ${path(rng)} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return Buffer.concat([head, useChunked ? chunked(rng, body) : body]);
}

/** 1 to 8 well-framed requests on one connection, written at once or in pieces. */
export function pipeline(rng: Rng): FuzzConnection {
  const requests = 1 + rng.int(8);
  const bytes = Buffer.concat(Array.from({ length: requests }, () => cleanRequest(rng)));
  return { label: requests > 1 ? 'pipelined' : 'clean', bytes, requests, pipelined: true, head: false, fin: false, pieces: rng.chance(0.2) ? 2 + rng.int(6) : 1 };
}

const ok = (rng: Rng) => `POST ${rng.pick(ENDPOINTS)} HTTP/1.1\r\nhost: x\r\nfleet-lock-protocol: true\r\n`;
const JSON_BODY = '{"client_params":{"id":"fz-hostile","group":"default"}}';
const withBody = (head: string, body = JSON_BODY) => `${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

// Hostile framing, each on its own connection: the parser refuses most and closes; `fin` ones are cut short.
const SINGLES: Record<string, (rng: Rng) => { bytes: string | Buffer; requests?: number; head?: boolean; fin?: boolean }> = {
  'content-length negative': (r) => ({ bytes: `${ok(r)}content-length: -${1 + r.int(99)}\r\n\r\n${JSON_BODY}` }),
  'content-length not a number': (r) => ({ bytes: `${ok(r)}content-length: ${r.pick(['abc', '1e3', '0x10', '12 34', '+5', '', '99999999999999999999999'])}\r\n\r\n${JSON_BODY}` }),
  'content-length twice': (r) => ({ bytes: `${ok(r)}content-length: ${JSON_BODY.length}\r\ncontent-length: ${r.pick([JSON_BODY.length, 3])}\r\n\r\n${JSON_BODY}` }),
  'content-length list': (r) => ({ bytes: `${ok(r)}content-length: ${JSON_BODY.length}, ${r.pick([JSON_BODY.length, 3])}\r\n\r\n${JSON_BODY}` }),
  'content-length with transfer-encoding': (r) => ({ bytes: `${ok(r)}content-length: ${JSON_BODY.length}\r\ntransfer-encoding: chunked\r\n\r\n${JSON_BODY}` }),
  'bad chunk size': (r) => ({ bytes: `${ok(r)}transfer-encoding: chunked\r\n\r\n${r.pick(['zz', '-1', '0x10', 'ffffffffffffffffffff', ' 5', '5 5'])}\r\n${JSON_BODY}\r\n0\r\n\r\n` }),
  'chunk extensions too large': (r) => ({ bytes: `${ok(r)}transfer-encoding: chunked\r\n\r\n5;${'e'.repeat(17_000)}\r\nhello\r\n0\r\n\r\n` }),
  'unknown transfer-encoding': (r) => ({ bytes: `${ok(r)}transfer-encoding: ${r.pick(['gzip', 'identity', 'chunked, gzip', 'chunkedx'])}\r\n\r\n${JSON_BODY}` }),
  'no host': (r) => ({ bytes: withBody(`POST ${r.pick(ENDPOINTS)} HTTP/1.1\r\nfleet-lock-protocol: true\r\n`) }),
  'headers too large': (r) => ({ bytes: withBody(`${ok(r)}x-big: ${'a'.repeat(8_200 + r.int(20_000))}\r\n`) }),
  'many headers': (r) => ({ bytes: withBody(`${ok(r)}${'x-a: b\r\n'.repeat(500 + r.int(2_000))}`) }),
  'path too long': (r) => ({ bytes: withBody(`POST /${'a'.repeat(8_200 + r.int(5_000))}/v1/pre-reboot HTTP/1.1\r\nhost: x\r\n`) }),
  'NUL or control byte in path': (r) => ({ bytes: withBody(`POST /v1/${r.pick(['\0', '\x01', '\x7f', ' x', '\t'])}pre-reboot HTTP/1.1\r\nhost: x\r\n`) }),
  'raw non-ASCII path': (r) => ({ bytes: Buffer.concat([Buffer.from('POST /'), r.bytes(1 + r.int(8)).map((b) => b | 0x80), Buffer.from(`/v1/pre-reboot HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n`)]) }),
  'bad version': (r) => ({ bytes: withBody(`POST /v1/pre-reboot ${r.pick(['HTTP/1.2', 'HTTP/2.0', 'HTTP/0.9', 'HTTPS/1.1', 'HTTP/1', ''])}\r\nhost: x\r\n`) }),
  'HTTP/1.0': (r) => ({ bytes: withBody(`POST ${r.pick(ENDPOINTS)} HTTP/1.0\r\nfleet-lock-protocol: true\r\n`) }),
  // Leading empty lines before a request are allowed (RFC 9112 2.2): they get no answer of their own.
  'bytes after a request': (r) => {
    const after = r.pick(['garbage\r\n\r\n', '\0\0\0', 'FOO / HTTP/1.1\r\n\r\n', '\r\n\r\n']);
    return { bytes: withBody(ok(r)) + after, requests: after === '\r\n\r\n' ? 1 : 2 };
  },
  'headers cut short': (r) => ({ bytes: `${ok(r)}content-le`.slice(0, 5 + r.int(60)), fin: true }),
  'body cut short': (r) => ({ bytes: `${ok(r)}content-length: ${JSON_BODY.length + 1 + r.int(1000)}\r\n\r\n${JSON_BODY}`, fin: true }),
  'folded header': (r) => ({ bytes: withBody(`${ok(r)}x-folded: a\r\n  b\r\n`) }),
  'bare LF': (r) => ({ bytes: `POST ${r.pick(ENDPOINTS)} HTTP/1.1\nhost: x\nfleet-lock-protocol: true\ncontent-length: ${JSON_BODY.length}\n\n${JSON_BODY}` }),
  'header without colon': (r) => ({ bytes: withBody(`${ok(r)}no colon here\r\n`) }),
  'control byte in header': (r) => ({ bytes: withBody(`${ok(r)}x-a: b${r.pick(['\0', '\x01', '\x1b', '\x7f'])}c\r\n`) }),
  'unknown method': (r) => ({ bytes: withBody(`${r.pick(['FOO', 'get', 'post', 'X-CUSTOM', 'PO ST', 'P\0ST', '\xffPOST'])} ${r.pick(ENDPOINTS)} HTTP/1.1\r\nhost: x\r\n`) }),
  CONNECT: (r) => ({ bytes: `CONNECT ${r.pick(['example.com:443', '/v1/pre-reboot', '127.0.0.1:22'])} HTTP/1.1\r\nhost: x\r\n\r\n` }),
  HEAD: (r) => ({ bytes: `HEAD ${r.pick(ENDPOINTS)} HTTP/1.1\r\nhost: x\r\n\r\n`, head: true }),
  'not HTTP': (r) => ({ bytes: Buffer.concat([r.bytes(1 + r.int(300)), Buffer.from('\r\n\r\n')]) }),
  'TLS hello': () => ({ bytes: Buffer.from('160301020001000100fc0303', 'hex') }),
  'body too large': (r) => {
    const body = oversizedBody(r);
    return { bytes: Buffer.concat([Buffer.from(`${ok(r)}content-length: ${body.length}\r\n\r\n`), body]) };
  },
  'body too large, chunked': (r) => ({ bytes: `${ok(r)}transfer-encoding: chunked\r\n\r\n${'4000\r\n' + ' '.repeat(0x4000) + '\r\n'}${'10\r\n' + ' '.repeat(16) + '\r\n'}0\r\n\r\n` }),
  'huge content-length claimed': (r) => ({ bytes: `${ok(r)}content-length: ${r.pick(['1000000000000', '17000', '4294967296'])}\r\n\r\n${JSON_BODY}`, fin: true }),
};

const SINGLE_LABELS = Object.keys(SINGLES);

/** One connection with one hostile-framed request. */
export function single(rng: Rng): FuzzConnection {
  const label = rng.pick(SINGLE_LABELS);
  const make = SINGLES[label];
  if (!make) throw new Error(`no generator ${label}`);
  const c = make(rng);
  const bytes = typeof c.bytes === 'string' ? Buffer.from(c.bytes, 'latin1') : c.bytes;
  return { label, bytes, requests: c.requests ?? 1, pipelined: false, head: c.head ?? false, fin: c.fin ?? false, pieces: rng.chance(0.2) ? 2 + rng.int(4) : 1 };
}
