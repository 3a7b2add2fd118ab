import t from 'tap';
import { RawConnection, parseResponses, withDeadline } from '../support/raw-client.js';
import { startHarness, ZINCATI_BODY } from '../support/http-harness.js';

const ZINCATI_REQUEST =
  'POST /v1/pre-reboot HTTP/1.1\r\nhost: x\r\nfleet-lock-protocol: true\r\n' +
  `content-length: ${Buffer.byteLength(ZINCATI_BODY)}\r\n\r\n${ZINCATI_BODY}`;

/** `n` connections that send nothing, or half a request line and then nothing: the cheapest ways to hold a socket. */
async function flood(port: number, n: number): Promise<RawConnection[]> {
  const conns = await Promise.all(Array.from({ length: n }, () => RawConnection.open(port)));
  conns.forEach((c, i) => i % 2 === 1 && c.write('POST /v1/pre-re'));
  return conns;
}

async function zincatiAsks(port: number): Promise<number | undefined> {
  const conn = await RawConnection.open(port);
  conn.write(ZINCATI_REQUEST);
  const [answer] = await withDeadline(conn.responses(1), 20_000, 'an answer to the FleetLock client');
  conn.destroy();
  return answer?.status;
}

void t.test('a flood of idle connections under the cap does not keep a FleetLock client waiting, and is reaped', async (t) => {
  const h = await startHarness({ limits: { headersTimeoutMs: 1_500, requestTimeoutMs: 3_000, checkIntervalMs: 100 } });
  t.teardown(() => h.close());
  const held = await flood(h.port, 300);
  t.teardown(() => held.forEach((c) => c.destroy()));

  t.equal(await zincatiAsks(h.port), 200, 'the FleetLock client is answered beside 300 idle sockets');

  const ends = await withDeadline(Promise.all(held.map((c) => c.closed)), 30_000, 'the flood reaped');
  t.ok(held.every((c) => c.closedByServer), 'the server closed every idle socket');
  const statuses = new Set(ends.flatMap((bytes) => parseResponses(bytes).map((r) => r.status)));
  t.same([...statuses], [408], 'each was told 408 on its way out');
});

void t.test('at the connection cap, new connections are closed at once and served again once the flood is reaped', async (t) => {
  const cap = 20;
  const h = await startHarness({ limits: { maxConnections: cap, headersTimeoutMs: 2_000, requestTimeoutMs: 3_000, checkIntervalMs: 100 } });
  t.teardown(() => h.close());
  const conns = await flood(h.port, cap);
  t.teardown(() => conns.forEach((c) => c.destroy()));

  // Over the cap: closed without a word rather than queued behind the flood.
  const refused = await RawConnection.open(h.port);
  refused.write(ZINCATI_REQUEST);
  const bytes = await withDeadline(refused.closed, 20_000, 'the connection over the cap closed');
  t.equal(bytes.length, 0, 'no answer over the cap');
  t.ok(conns.every((c) => c.open), 'closed while the flood still held its sockets');
  t.equal(h.calls.length, 0);

  await withDeadline(Promise.all(conns.map((c) => c.closed)), 30_000, 'the flood reaped');
  t.equal(await zincatiAsks(h.port), 200, 'served once the flood is reaped');
  t.equal(h.calls.length, 1);
});
