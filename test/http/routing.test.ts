import t from 'tap';
import { fleetLockBody, send, startHarness } from '../support/http-harness.js';

const BODY = fleetLockBody({ id: 'node-a', group: 'default' });

void t.test('the endpoints work under any prefix and with doubled slashes', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  const paths: [string, string][] = [
    ['/v1/pre-reboot', 'pre-reboot'],
    ['//v1/pre-reboot', 'pre-reboot'],
    ['/fleet/v1/pre-reboot', 'pre-reboot'],
    ['/fleet//v1/pre-reboot', 'pre-reboot'],
    ['/a/b//v1/steady-state', 'steady-state'],
    ['/v1/steady-state?source=test', 'steady-state'],
  ];
  for (const [path, endpoint] of paths) {
    const res = await send(h.origin, path, { body: BODY });
    t.equal(res.status, 200, path);
    t.equal(h.calls.at(-1)?.endpoint, endpoint, path);
  }
  t.equal(h.calls.length, paths.length);
});

void t.test('other paths are not_found 404 and reach nothing', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  for (const path of ['/', '/v1/pre-reboot/x', '/v1/pre-rebootx', '/v2/pre-reboot', '/v1', '/healthz/x']) {
    const res = await send(h.origin, path, { body: BODY });
    t.equal(res.status, 404, path);
    t.match(res.json(), { kind: 'not_found', value: /pre-reboot/ }, path);
  }
  t.equal(h.calls.length, 0);
});

void t.test('other methods on a FleetLock endpoint are 405 with Allow: POST', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    const res = await send(h.origin, '/fleet/v1/pre-reboot', { method, body: method === 'GET' ? undefined : BODY });
    t.equal(res.status, 405, method);
    t.equal(res.headers.allow, 'POST', method);
    t.match(res.json(), { kind: 'not_found' }, method);
  }
  const head = await send(h.origin, '/v1/steady-state', { method: 'HEAD' });
  t.equal(head.status, 405, 'HEAD');
  t.equal(h.calls.length, 0);
});
