import t from 'tap';
import { send, startHarness } from '../support/http-harness.js';

void t.test('/healthz answers 200 while the process runs, whatever readiness says', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  h.readiness = { ready: false, reason: 'not the leader' };
  const res = await send(h.internalOrigin, '/healthz', { method: 'GET' });
  t.equal(res.status, 200);
  t.same(res.json(), { status: 'ok' });
});

void t.test('/readyz follows readiness, with the reason', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  h.readiness = { ready: true, reason: 'leader, cache synced' };
  const ready = await send(h.internalOrigin, '/readyz', { method: 'GET' });
  t.equal(ready.status, 200);
  t.same(ready.json(), { status: 'ready', reason: 'leader, cache synced' });

  h.readiness = { ready: false, reason: 'node cache not yet synced' };
  const notReady = await send(h.internalOrigin, '/readyz', { method: 'GET' });
  t.equal(notReady.status, 503);
  t.same(notReady.json(), { status: 'not_ready', reason: 'node cache not yet synced' });

  h.readiness = new Error('boom');
  const failing = await send(h.internalOrigin, '/readyz', { method: 'GET' });
  t.equal(failing.status, 503, 'a readiness check that throws is not ready');
  t.equal((failing.json() as { status: string }).status, 'not_ready');
});
