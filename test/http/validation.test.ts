import t from 'tap';
import { fleetLockBody, send, sendRaw, startHarness } from '../support/http-harness.js';

const GOOD = fleetLockBody({ id: 'node-a', group: 'default' });
const HEADER = { 'fleet-lock-protocol': 'true' };

void t.test('the body is accepted whatever the Content-Type', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  const types = [
    undefined,
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/octet-stream',
    'multipart/form-data; boundary=x',
  ];
  for (const type of types) {
    const headers: Record<string, string> = type === undefined ? { ...HEADER } : { ...HEADER, 'content-type': type };
    const res = await send(h.origin, '/v1/pre-reboot', { headers, body: GOOD });
    t.equal(res.status, 200, String(type));
  }
  t.equal(h.calls.length, types.length);
});

void t.test('bad requests are refused with 400 and never reach the lock service', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  const cases: [string, Record<string, string>, string | Buffer | undefined, RegExp][] = [
    ['missing header', {}, GOOD, /fleet-lock-protocol/],
    ['header false', { 'fleet-lock-protocol': 'false' }, GOOD, /must be "true"/],
    ['header upper-case value', { 'fleet-lock-protocol': 'True' }, GOOD, /must be "true"/],
    ['no body', HEADER, undefined, /empty/],
    ['malformed JSON', HEADER, '{"client_params": {', /not valid JSON/],
    ['not UTF-8', HEADER, Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), /UTF-8/],
    ['array body', HEADER, '[]', /array/],
    ['null client_params', HEADER, '{"client_params":null}', /must be an object/],
    ['numeric id', HEADER, fleetLockBody({ id: 7, group: 'default' }), /id must be a string/],
    ['boolean group', HEADER, fleetLockBody({ id: 'a', group: true }), /group must be a string/],
    ['empty id', HEADER, fleetLockBody({ id: '', group: 'default' }), /id must not be empty/],
    ['empty group', HEADER, fleetLockBody({ id: 'a', group: '' }), /group must not be empty/],
    ['invalid group characters', HEADER, fleetLockBody({ id: 'a', group: 'prod/eu' }), /letters, digits/],
    ['oversized id', HEADER, fleetLockBody({ id: 'a'.repeat(257), group: 'default' }), /at most 256/],
    ['control character in id', HEADER, fleetLockBody({ id: 'a\u001b[31m', group: 'default' }), /control/],
    ['malformed Content-Type', { ...HEADER, 'content-type': 'not a media type' }, GOOD, /Content-Type/],
  ];
  for (const [name, headers, body, message] of cases) {
    const res = await send(h.origin, '/v1/pre-reboot', { headers, body });
    t.equal(res.status, 400, name);
    const answer = res.json() as { kind: string; value: string };
    t.equal(answer.kind, 'bad_request', name);
    t.match(answer.value, message, name);
  }
  t.equal(h.calls.length, 0, 'the lock service was never called');
});

void t.test('an oversized body is refused with 413 bad_request', async (t) => {
  const h = await startHarness({ bodyLimit: 1024 });
  t.teardown(() => h.close());
  const huge = fleetLockBody({ id: 'a', group: 'default', padding: 'x'.repeat(2048) });
  const res = await send(h.origin, '/v1/pre-reboot', { body: huge });
  t.equal(res.status, 413);
  t.same(res.json(), { kind: 'bad_request', value: 'request body exceeds 1024 bytes' });
  const small = await send(h.origin, '/v1/pre-reboot', { body: GOOD });
  t.equal(small.status, 200, 'a normal body still passes under the small limit');
  t.equal(h.calls.length, 1, 'only the normal request reached the lock service');
});

void t.test('the default body limit is 16 KiB', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  const justUnder = fleetLockBody({ id: 'a', group: 'default', padding: 'x'.repeat(16 * 1024 - 200) });
  t.equal((await send(h.origin, '/v1/pre-reboot', { body: justUnder })).status, 200);
  const over = fleetLockBody({ id: 'a', group: 'default', padding: 'x'.repeat(16 * 1024) });
  t.equal((await send(h.origin, '/v1/pre-reboot', { body: over })).status, 413);
  t.equal(h.calls.length, 1);
});

void t.test('an oversized chunked body (no Content-Length) is refused with 413 too', async (t) => {
  const h = await startHarness({ bodyLimit: 1024 });
  t.teardown(() => h.close());
  const chunk = 'x'.repeat(600);
  const size = chunk.length.toString(16);
  const raw =
    'POST /v1/pre-reboot HTTP/1.1\r\nhost: x\r\nfleet-lock-protocol: true\r\ntransfer-encoding: chunked\r\n\r\n' +
    `${size}\r\n${chunk}\r\n${size}\r\n${chunk}\r\n0\r\n\r\n`;
  const res = await sendRaw(h.port, raw);
  t.equal(res.status, 413);
  t.same(JSON.parse(res.body), { kind: 'bad_request', value: 'request body exceeds 1024 bytes' });
  t.equal(h.calls.length, 0);
});
