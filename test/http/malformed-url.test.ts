import t from 'tap';
import { sendRaw, startHarness, ZINCATI_BODY } from '../support/http-harness.js';

void t.test('a malformed URL is refused as bad_request in the FleetLock shape', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  const raw =
    `POST /%E0%A4%A/v1/pre-reboot HTTP/1.1\r\nhost: x\r\nfleet-lock-protocol: true\r\n` +
    `content-length: ${Buffer.byteLength(ZINCATI_BODY)}\r\n\r\n${ZINCATI_BODY}`;
  const res = await sendRaw(h.port, raw);
  t.equal(res.status, 400);
  t.match(JSON.parse(res.body), { kind: 'bad_request', value: /URL/ });
  t.equal(h.calls.length, 0);
});
