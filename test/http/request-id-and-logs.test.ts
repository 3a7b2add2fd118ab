import t from 'tap';
import { OK, Refusal } from '../../src/fleetlock/refusal.js';
import { fleetLockBody, send, startHarness } from '../support/http-harness.js';

const BODY = fleetLockBody({ id: 'node-a', group: 'workers' });
const HEADER = { 'fleet-lock-protocol': 'true' };

void t.test('a sane incoming x-request-id is echoed and carried by the service log lines', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  h.answer = (_call, ctx) => {
    ctx.log.info({ step: 'in-service' }, 'service ran');
    return Promise.resolve(OK);
  };
  const res = await send(h.origin, '/v1/pre-reboot', { headers: { ...HEADER, 'x-request-id': 'abc-123.lb:7' }, body: BODY });
  t.equal(res.status, 200);
  t.equal(res.headers['x-request-id'], 'abc-123.lb:7');
  t.match(h.logs.find((l) => l.step === 'in-service'), { reqId: 'abc-123.lb:7' });
});

void t.test('a missing or insane x-request-id is replaced by a generated one', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  const seen = new Set<string>();
  for (const incoming of [undefined, '', 'has space', 'x'.repeat(200), 'quote"inside', 'new\tline']) {
    const headers: Record<string, string> = incoming === undefined ? { ...HEADER } : { ...HEADER, 'x-request-id': incoming };
    const res = await send(h.origin, '/v1/pre-reboot', { headers, body: BODY });
    const id = res.headers['x-request-id'];
    t.type(id, 'string', JSON.stringify(incoming));
    t.not(id, incoming);
    t.match(id, /^[0-9a-f]{8}-[0-9a-z]+$/);
    seen.add(String(id));
  }
  t.equal(seen.size, 6, 'every request gets its own id');
  const health = await send(h.internalOrigin, '/healthz', { method: 'GET' });
  t.type(health.headers['x-request-id'], 'string', 'every response carries one, not only FleetLock ones');
});

void t.test('a refusal is logged once at info with kind, id, group and request id', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  h.answer = () => Promise.resolve(new Refusal('slots_full', '1 of 1 slots held by node-b'));
  const res = await send(h.origin, '/v1/pre-reboot', {
    headers: { ...HEADER, 'x-request-id': 'r-1', authorization: 'Bearer top-secret-token', cookie: 'session=hunter2' },
    body: BODY,
  });
  t.equal(res.status, 423);
  const lines = h.logs.filter((l) => l.reqId === 'r-1');
  t.equal(lines.length, 1, 'exactly one log line for the refused request');
  t.match(lines[0], { level: 30, kind: 'slots_full', id: 'node-a', group: 'workers', endpoint: 'pre-reboot', status: 423 });
  const everything = JSON.stringify(h.logs);
  t.notMatch(everything, /top-secret-token|hunter2/, 'credentials never reach the log');
});

void t.test('a bad request is logged once at info too', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  await send(h.origin, '/v1/steady-state', { headers: { 'x-request-id': 'r-2' }, body: BODY });
  const lines = h.logs.filter((l) => l.reqId === 'r-2');
  t.equal(lines.length, 1);
  t.match(lines[0], { level: 30, kind: 'bad_request', endpoint: 'steady-state' });
});

void t.test('a granted request writes no log line', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  await send(h.origin, '/v1/pre-reboot', { headers: { ...HEADER, 'x-request-id': 'r-3' }, body: BODY });
  t.equal(h.logs.filter((l) => l.reqId === 'r-3').length, 0);
});
