import t, { type Test } from 'tap';
import { RawConnection, parseResponses, withDeadline } from '../support/raw-client.js';
import { send, startHarness, ZINCATI_BODY } from '../support/http-harness.js';

// Lowered so the test is quick; the cut is the same code path as the 5 s / 10 s defaults.
const LIMITS = { headersTimeoutMs: 1_500, requestTimeoutMs: 3_000, checkIntervalMs: 100 };
// A byte every 20 ms: padded requests would take over 20 s to arrive whole, far past the limits.
const DRIP_MS = 20;
const PAD = 'x'.repeat(1_000);

/** Sends `bytes` one at a time until they are all out or the server closes; resolves with how many went. */
function drip(conn: RawConnection, bytes: Buffer): Promise<number> {
  return new Promise((resolve) => {
    let sent = 0;
    const timer = setInterval(() => {
      if (sent === bytes.length || !conn.write(bytes.subarray(sent, sent + 1))) {
        clearInterval(timer);
        resolve(sent);
        return;
      }
      sent++;
    }, DRIP_MS);
    void conn.closed.then(() => {
      clearInterval(timer);
      resolve(sent);
    });
  });
}

/** Sends `upfront` at once and `dripped` a byte at a time, and checks the cut and the other client. */
async function cutWhileOthersAreServed(t: Test, upfront: string, dripped: string): Promise<void> {
  const h = await startHarness({ limits: LIMITS });
  t.teardown(() => h.close());
  const slow = await RawConnection.open(h.port);
  t.teardown(() => slow.destroy());
  slow.write(upfront);
  const whole = Buffer.from(dripped);
  const dripping = drip(slow, whole);

  // A FleetLock client on another socket, meanwhile, is served as usual.
  for (const path of ['/v1/pre-reboot', '/v1/steady-state']) {
    const res = await send(h.origin, path, { body: ZINCATI_BODY });
    t.equal(res.status, 200, `${path} answered while the slow client holds its socket`);
  }

  const received = await withDeadline(slow.closed, 20_000, 'the slow client cut off');
  const sent = await dripping;
  t.ok(sent < whole.length, `cut off after ${sent} of ${whole.length} bytes`);
  t.ok(slow.closedByServer, 'the server closed the connection');
  const answers = parseResponses(received);
  t.ok(answers.length <= 1, 'at most one answer');
  for (const answer of answers) {
    t.equal(answer.status, 408);
    t.match(JSON.parse(answer.body.toString()), { kind: 'bad_request', value: /not received in time/ });
  }
  t.equal(h.calls.length, 2, 'only the normal client reached the lock');
}

void t.test('a client sending its headers a byte at a time is cut off while a normal client is served', async (t) => {
  const head = `POST /v1/pre-reboot HTTP/1.1\r\nhost: x\r\nx-pad: ${PAD}\r\nfleet-lock-protocol: true\r\ncontent-length: ${Buffer.byteLength(ZINCATI_BODY)}\r\n\r\n`;
  await cutWhileOthersAreServed(t, '', head + ZINCATI_BODY);
});

void t.test('a client sending its body a byte at a time is cut off while a normal client is served', async (t) => {
  const body = ZINCATI_BODY + ' '.repeat(PAD.length);
  const head = `POST /v1/pre-reboot HTTP/1.1\r\nhost: x\r\nfleet-lock-protocol: true\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`;
  // The headers arrive at once: only the whole-request limit applies.
  await cutWhileOthersAreServed(t, head, body);
});
