import t, { type Test } from 'tap';
import { ImdsClient, type ImdsClientOptions } from '../../src/agent/imds-client.js';
import type { ImdsError } from '../../src/agent/imds-errors.js';
import { SimulatedImds, type SimulatedImdsOptions } from '../../src/sim/imds/index.js';

async function setup(t: Test, simOptions: SimulatedImdsOptions = {}, clientOptions: ImdsClientOptions = {}) {
  const sim = await SimulatedImds.start({ vmName: 'vmss_1', ...simOptions });
  t.teardown(() => sim.close());
  const failures: string[] = [];
  const client = new ImdsClient({
    baseUrl: sim.url,
    backoffMinMs: 1,
    backoffMaxMs: 5,
    onFailedAttempt: (err: ImdsError) => failures.push(err.label),
    ...clientOptions,
  });
  t.teardown(() => client.close());
  return { sim, client, failures };
}

void t.test('reads compute and scheduled events with Metadata: true and no X-Forwarded-For', async (t) => {
  const { sim, client } = await setup(t);
  const id = sim.schedule({ eventType: 'Reboot', resources: ['vmss_1'] });
  t.equal((await client.compute()).name, 'vmss_1');
  const doc = await client.scheduledEvents();
  t.equal(doc.incarnation, sim.incarnation);
  t.equal(doc.events[0]?.eventId, id);
  for (const r of sim.requests) {
    t.equal(r.headers.metadata, 'true');
    t.equal(r.headers['x-forwarded-for'], undefined);
  }
  t.same(sim.requests.map((r) => r.path), ['/metadata/instance/compute?api-version=2021-02-01', '/metadata/scheduledevents?api-version=2020-07-01']);
});

void t.test('a proxy configured in the environment is not used', async (t) => {
  const saved = { HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy };
  process.env.HTTP_PROXY = 'http://127.0.0.1:9';
  process.env.http_proxy = 'http://127.0.0.1:9';
  t.teardown(() => Object.assign(process.env, saved));
  const { client } = await setup(t);
  t.equal((await client.compute()).name, 'vmss_1');
});

void t.test('a path prefix in the base URL is kept', async (t) => {
  const { sim } = await setup(t);
  const other = new ImdsClient({ baseUrl: `${sim.urlFor('vmss_10')}/` });
  t.teardown(() => other.close());
  t.equal((await other.compute()).name, 'vmss_10');
});

void t.test('approve posts StartRequests for the event', async (t) => {
  const { sim, client } = await setup(t);
  const id = sim.schedule({ eventType: 'Reboot', resources: ['vmss_1'] });
  await client.approve(id);
  const post = sim.requests.find((r) => r.method === 'POST');
  t.same(JSON.parse(post?.body ?? ''), { StartRequests: [{ EventId: id }] });
  t.equal(post?.headers.metadata, 'true');
  t.equal((await client.scheduledEvents()).events[0]?.status, 'Started');
});

void t.test('410, 429 and 500 are retried with backoff until the document arrives', async (t) => {
  const { sim, client, failures } = await setup(t);
  sim.faults.failNext(410, 3);
  sim.faults.failNext(429);
  sim.faults.failNext(500, 2);
  const doc = await client.scheduledEvents();
  t.equal(doc.incarnation, sim.incarnation);
  t.same(failures, ['http_410', 'http_410', 'http_410', 'http_429', 'http_500', 'http_500']);
});

void t.test('a request that times out is retried', async (t) => {
  const { sim, client, failures } = await setup(t, {}, { firstCallTimeoutMs: 150, requestTimeoutMs: 150 });
  sim.faults.delayNext(5_000, 2);
  const doc = await client.scheduledEvents();
  t.equal(doc.incarnation, sim.incarnation);
  t.same(failures, ['timeout', 'timeout']);
});

void t.test('the slow first call is waited for with the first-call timeout, later calls with the short one', async (t) => {
  const { sim, client, failures } = await setup(t, { firstCallDelayMs: 400 }, { firstCallTimeoutMs: 10_000, requestTimeoutMs: 100 });
  t.equal((await client.scheduledEvents()).incarnation, sim.incarnation, 'the first call waited');
  t.same(failures, []);
  sim.faults.delayNext(400);
  await client.scheduledEvents();
  t.same(failures, ['timeout'], 'a later slow answer counts as a timeout');
});

void t.test('a malformed document is a typed error and is not retried', async (t) => {
  const { sim, client, failures } = await setup(t);
  sim.faults.malformedNext(1);
  await t.rejects(client.scheduledEvents(), { name: 'ImdsMalformedError', code: 'ERR_IMDS_MALFORMED', kind: 'malformed' });
  sim.faults.malformedNext(1, '<html>proxy error</html>');
  await t.rejects(client.scheduledEvents(), { code: 'ERR_IMDS_MALFORMED', message: /not JSON/ });
  t.same(failures, ['malformed', 'malformed']);
  t.equal(sim.eventRequests().length, 2, 'one request each');
  t.ok(await client.scheduledEvents(), 'the next call works');
});

void t.test('400 is not retried; retrying stops when the budget is spent', async (t) => {
  const { sim, client } = await setup(t, {}, { retryBudgetMs: 50, backoffMinMs: 20, backoffMaxMs: 20 });
  sim.faults.failNext(400);
  await t.rejects(client.scheduledEvents(), { name: 'ImdsHttpError', code: 'ERR_IMDS_HTTP', status: 400 });
  t.equal(sim.eventRequests().length, 1);
  sim.faults.failNext(410, 1_000);
  await t.rejects(client.scheduledEvents(), { code: 'ERR_IMDS_HTTP', status: 410 });
  sim.faults.clear();
  t.ok(await client.scheduledEvents());
});

void t.test('an unreachable IMDS is a network error', async (t) => {
  const client = new ImdsClient({ baseUrl: 'http://127.0.0.1:9', retryBudgetMs: 0 });
  t.teardown(() => client.close());
  await t.rejects(client.compute(), { name: 'ImdsNetworkError', code: 'ERR_IMDS_NETWORK', kind: 'network' });
});

void t.test('an aborted call stops retrying at once', async (t) => {
  const { sim, client } = await setup(t);
  sim.faults.failNext(500, 1_000_000);
  const ac = new AbortController();
  const call = client.scheduledEvents({ signal: ac.signal });
  await sim.waitFor(() => sim.eventRequests().length >= 2, 'a retry');
  ac.abort(new Error('stopping'));
  await t.rejects(call, { message: 'stopping' });
});
