import t from 'tap';
import { Refusal, REFUSAL_STATUS, type RefusalKind } from '../../src/fleetlock/refusal.js';
import { fleetLockBody, send, startHarness } from '../support/http-harness.js';

const KINDS = Object.keys(REFUSAL_STATUS) as RefusalKind[];
const BODY = fleetLockBody({ id: 'node-a', group: 'default' });

void t.test('every refusal kind is answered with its status and {"kind","value"}', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  for (const kind of KINDS) {
    h.answer = () => Promise.resolve(new Refusal(kind, `because ${kind}`));
    for (const path of ['/v1/pre-reboot', '/v1/steady-state']) {
      const res = await send(h.origin, path, { headers: { 'fleet-lock-protocol': 'true' }, body: BODY });
      t.equal(res.status, REFUSAL_STATUS[kind], `${kind} ${path}`);
      t.match(res.headers['content-type'], /^application\/json/);
      t.same(res.json(), { kind, value: `because ${kind}` });
    }
  }
});

void t.test('a refusal is never 2xx or 3xx, whatever status it was built with', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  for (const kind of KINDS) {
    for (const status of [undefined, 200, 202, 204, 299, 302, 0, -1, 99, 600, 1.5, Number.NaN, 429, 500]) {
      h.answer = () => Promise.resolve(new Refusal(kind, 'no', status));
      const res = await send(h.origin, '/v1/pre-reboot', { body: BODY });
      t.ok(res.status >= 400 && res.status <= 599, `${kind} built with ${status} answered ${res.status}`);
      t.equal((res.json() as { kind: string }).kind, kind);
    }
  }
});

void t.test('a refusal with an empty message still has a non-empty value', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  h.answer = () => Promise.resolve(new Refusal('slots_full', ''));
  const res = await send(h.origin, '/v1/pre-reboot', { body: BODY });
  t.equal(res.status, 423);
  t.same(res.json(), { kind: 'slots_full', value: 'slots full' });
});

void t.test('a lock service failure that is not a Refusal is 503 unavailable, without internals', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  const failures: (() => Promise<never>)[] = [
    () => Promise.reject(new Error('etcd exploded at /secret/path')),
    () => Promise.reject(new TypeError('cannot read properties of undefined')),
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a service may reject with anything
    () => Promise.reject('a bare string'),
    () => {
      throw new Error('synchronous throw');
    },
  ];
  for (const failure of failures) {
    h.answer = failure;
    const res = await send(h.origin, '/v1/pre-reboot', { body: BODY });
    t.equal(res.status, 503);
    const body = res.json() as { kind: string; value: string };
    t.equal(body.kind, 'unavailable');
    t.notMatch(body.value, /exploded|undefined|bare string|synchronous|at /);
    t.notMatch(res.text, /\.ts:\d+|node:internal/, 'no stack trace');
  }
  const errors = h.logs.filter((l) => l.level >= 50);
  t.equal(errors.length, failures.length, 'each failure logged once as an error');
  t.match(errors[0], { err: { message: 'etcd exploded at /secret/path' }, id: 'node-a', group: 'default' });
});

void t.test('a lock service that resolves is answered 200 on both endpoints', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  for (const path of ['/v1/pre-reboot', '/v1/steady-state']) {
    const res = await send(h.origin, path, { body: BODY });
    t.equal(res.status, 200, path);
    t.same(res.json(), { status: 'ok' });
  }
});
