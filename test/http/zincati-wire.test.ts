import t from 'tap';
import { sendRaw, startHarness, ZINCATI_BODY } from '../support/http-harness.js';

void t.test("Zincati's request, byte for byte, is granted and reaches the lock service", async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  for (const [path, endpoint] of [['/v1/pre-reboot', 'pre-reboot'], ['/v1/steady-state', 'steady-state']] as const) {
    // What reqwest writes for Zincati: lower-case headers, no Content-Type, pretty-printed body.
    const raw =
      `POST ${path} HTTP/1.1\r\n` +
      'fleet-lock-protocol: true\r\n' +
      'accept: */*\r\n' +
      `host: 127.0.0.1:${h.port}\r\n` +
      `content-length: ${Buffer.byteLength(ZINCATI_BODY)}\r\n` +
      '\r\n' +
      ZINCATI_BODY;
    const res = await sendRaw(h.port, raw);
    t.equal(res.status, 200, endpoint);
    t.match(res.head, /\r\ncontent-type: application\/json/i);
    t.same(JSON.parse(res.body), { status: 'ok' });
    t.same(h.calls.at(-1), { endpoint, params: { id: '978a225b3d7b40e9acd7ce9b62f68444', group: 'default' } });
  }
  t.equal(h.calls.length, 2);
});

void t.test('a chunked body without Content-Length is read too', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  const size = Buffer.byteLength(ZINCATI_BODY).toString(16);
  const raw =
    'POST /v1/pre-reboot HTTP/1.1\r\nfleet-lock-protocol: true\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n' +
    `${size}\r\n${ZINCATI_BODY}\r\n0\r\n\r\n`;
  const res = await sendRaw(h.port, raw);
  t.equal(res.status, 200);
  t.equal(h.calls.length, 1);
});
