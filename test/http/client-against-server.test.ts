import t from 'tap';
import { FleetLockClient } from '../../src/fleetlock/client.js';
import { OK, Refusal } from '../../src/fleetlock/refusal.js';
import { startHarness } from '../support/http-harness.js';

void t.test('our client and our server agree, with a path prefix and without', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  for (const base of [`${h.origin}/`, `${h.origin}/fleet/`, h.origin]) {
    const client = new FleetLockClient({ baseUrl: base, id: 'Node-A', group: 'eu.workers-1' });
    t.teardown(() => client.close());
    h.answer = () => Promise.resolve(OK);
    t.same(await client.preReboot(), { ok: true, status: 200 }, base);
    t.same(h.calls.at(-1), { endpoint: 'pre-reboot', params: { id: 'Node-A', group: 'eu.workers-1' } });

    h.answer = () => Promise.resolve(new Refusal('draining', '3 of 5 pods evicted'));
    t.same(await client.preReboot(), { ok: false, status: 423, kind: 'draining', value: '3 of 5 pods evicted' }, base);

    h.answer = () => Promise.resolve(OK);
    t.same(await client.steadyState(), { ok: true, status: 200 }, base);
    t.equal(h.calls.at(-1)?.endpoint, 'steady-state');
  }
});

void t.test('a group the server refuses comes back as bad_request', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  const client = new FleetLockClient({ baseUrl: `${h.origin}/`, id: 'a', group: 'not_valid' });
  t.teardown(() => client.close());
  t.match(await client.preReboot(), { ok: false, status: 400, kind: 'bad_request', value: /group/ });
  t.equal(h.calls.length, 0);
});
