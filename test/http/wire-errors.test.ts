import { METHODS } from 'node:http';
import t, { type Test } from 'tap';
import { REFUSAL_STATUS, type RefusalKind } from '../../src/fleetlock/refusal.js';
import { statusesOf } from '../../src/http/refusal-statuses.js';
import { RawConnection, withDeadline, type RawResponse } from '../support/raw-client.js';
import { startHarness, ZINCATI_BODY } from '../support/http-harness.js';

const L = Buffer.byteLength(ZINCATI_BODY);
const POST = (headers: string, body = ZINCATI_BODY) => `POST /v1/pre-reboot HTTP/1.1\r\nfleet-lock-protocol: true\r\n${headers}\r\n${body}`;

// What Node's parser (or Node itself) refuses before any route runs, and the status each class gets.
const CASES: [string, string | Buffer, number][] = [
  ['negative Content-Length', POST('host: x\r\ncontent-length: -1\r\n'), 400],
  ['non-numeric Content-Length', POST('host: x\r\ncontent-length: 12abc\r\n'), 400],
  ['duplicated Content-Length', POST(`host: x\r\ncontent-length: ${L}\r\ncontent-length: ${L}\r\n`), 400],
  ['conflicting Content-Length', POST(`host: x\r\ncontent-length: ${L}\r\ncontent-length: 2\r\n`), 400],
  ['Content-Length with Transfer-Encoding', POST(`host: x\r\ncontent-length: ${L}\r\ntransfer-encoding: chunked\r\n`), 400],
  ['a bad chunk size', POST('host: x\r\ntransfer-encoding: chunked\r\n', `zz\r\n${ZINCATI_BODY}\r\n0\r\n\r\n`), 400],
  ['an unknown Expect', POST(`host: x\r\nexpect: coffee\r\ncontent-length: ${L}\r\n`), 417],
  ['no Host on HTTP/1.1', POST(`content-length: ${L}\r\n`), 400],
  ['headers over the limit', POST(`host: x\r\nx-big: ${'a'.repeat(9_000)}\r\ncontent-length: ${L}\r\n`), 431],
  ['a NUL in the path', `POST /v1/\0pre-reboot HTTP/1.1\r\nhost: x\r\ncontent-length: ${L}\r\n\r\n${ZINCATI_BODY}`, 400],
  ['a raw non-ASCII byte in the path', Buffer.from(`POST /v1/\xe9pre-reboot HTTP/1.1\r\nhost: x\r\n\r\n`, 'latin1')],
  ['a forbidden byte in a header name', POST(`host: x\r\nbad header: 1\r\ncontent-length: ${L}\r\n`), 400],
  ['huge chunk extensions', POST('host: x\r\ntransfer-encoding: chunked\r\n', `5;${'e'.repeat(20_000)}\r\nhello\r\n0\r\n\r\n`), 413],
  ['not HTTP at all', Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x0d, 0x0a]), 400],
].map(([name, bytes, status]) => [name, bytes, status ?? 400] as [string, string | Buffer, number]);

function assertShape(t: Test, res: RawResponse | undefined, status: number, what: string, head = false): void {
  t.equal(res?.status, status, what);
  if (!res || head) return;
  const body = JSON.parse(res.body.toString()) as { kind: RefusalKind; value: string };
  t.ok(Object.hasOwn(REFUSAL_STATUS, body.kind) && statusesOf(body.kind).includes(status), `${what}: ${status} is documented for ${body.kind}`);
  t.ok(typeof body.value === 'string' && body.value.length > 0, `${what}: a value`);
  t.same(Object.keys(body).sort(), ['kind', 'value'], `${what}: only kind and value`);
}

async function ask(port: number, bytes: string | Buffer, head = false): Promise<{ res?: RawResponse; conn: RawConnection }> {
  const conn = await RawConnection.open(port);
  conn.write(bytes);
  const [res] = await withDeadline(conn.responses(1, () => head), 20_000, 'an answer');
  conn.destroy();
  return { res, conn };
}

void t.test('requests refused before routing are answered {kind, value} with their documented status, and counted', async (t) => {
  const counted: string[] = [];
  const h = await startHarness({ outcomes: { answered: (_endpoint, result) => void counted.push(result) } });
  t.teardown(() => h.close());
  for (const [name, bytes, status] of CASES) {
    const { res } = await ask(h.port, bytes);
    assertShape(t, res, status, name);
  }
  t.equal(h.calls.length, 0, 'none reached the lock');
  t.same(counted, CASES.map(() => 'bad_request'), 'each counted once in the request metric');
});

void t.test('bytes after a complete request get their own answer, after the request is answered', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  const conn = await RawConnection.open(h.port);
  t.teardown(() => conn.destroy());
  conn.write(POST(`host: x\r\ncontent-length: ${L}\r\n`) + 'garbage\r\n\r\n');
  const answers = await withDeadline(conn.responses(2), 20_000, 'two answers');
  t.equal(answers[0]?.status, 200, 'the request is answered first');
  assertShape(t, answers[1], 400, 'then the garbage');
  await withDeadline(conn.closed, 20_000, 'the connection closed');
  t.equal(h.calls.length, 1);
});

void t.test('every method but POST on a FleetLock path is 405 with Allow: POST, whether Node knows it or not', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  for (const method of [...METHODS.filter((m) => m !== 'POST'), 'FOO', 'get', 'X-CUSTOM']) {
    const head = method === 'HEAD';
    const target = method === 'CONNECT' ? '/v1/pre-reboot' : '/fleet/v1/pre-reboot';
    const { res } = await ask(h.port, `${method} ${target} HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n`, head);
    assertShape(t, res, 405, method, head);
    t.equal(res?.headers.get('allow'), 'POST', `${method}: Allow: POST`);
  }
  t.equal(h.calls.length, 0);
});
