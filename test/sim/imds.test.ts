import t, { type Test } from 'tap';
import { request } from 'undici';
import { SimulatedImds, type SimulatedImdsOptions } from '../../src/sim/imds/index.js';

const EVENTS = '/metadata/scheduledevents?api-version=2020-07-01';
const COMPUTE = '/metadata/instance/compute?api-version=2021-02-01';

async function sim(t: Test, options: SimulatedImdsOptions = {}) {
  const s = await SimulatedImds.start({ vmName: 'vmss_1', ...options });
  t.teardown(() => s.close());
  return s;
}

async function call(base: string, path: string, init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {}) {
  const res = await request(`${base}${path}`, { method: init.method ?? 'GET', headers: init.headers ?? { Metadata: 'true' }, body: init.body });
  const text = await res.body.text();
  return { status: res.statusCode, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

void t.test('requests without Metadata: true, or with X-Forwarded-For, are refused with 400', async (t) => {
  const s = await sim(t);
  t.equal((await call(s.url, EVENTS, { headers: {} })).status, 400);
  t.equal((await call(s.url, EVENTS, { headers: { Metadata: 'false' } })).status, 400);
  t.equal((await call(s.url, EVENTS, { headers: { Metadata: 'true', 'X-Forwarded-For': '10.0.0.1' } })).status, 400);
  t.equal((await call(s.url, '/metadata/scheduledevents')).status, 400, 'api-version is required');
  t.equal((await call(s.url, '/metadata/nothing?api-version=1')).status, 404);
  t.equal((await call(s.url, EVENTS)).status, 200);
});

void t.test('the documents have the documented shapes, per VM', async (t) => {
  const s = await sim(t, { vmScaleSetName: 'vmss' });
  const compute = (await call(s.url, COMPUTE)).json();
  t.equal(compute.name, 'vmss_1');
  t.equal(compute.vmScaleSetName, 'vmss');
  t.equal((await call(s.urlFor('vmss_10'), COMPUTE)).json().name, 'vmss_10', 'another VM of the scale set');
  const id = s.schedule({ eventType: 'Reboot', resources: ['vmss_1', 'vmss_10'], notBefore: new Date(Date.UTC(2016, 8, 19, 18, 29, 47)) });
  const doc = (await call(s.urlFor('vmss_10'), EVENTS)).json();
  t.same(doc, {
    DocumentIncarnation: s.incarnation,
    Events: [
      {
        EventId: id,
        EventType: 'Reboot',
        ResourceType: 'VirtualMachine',
        Resources: ['vmss_1', 'vmss_10'],
        EventStatus: 'Scheduled',
        NotBefore: 'Mon, 19 Sep 2016 18:29:47 GMT',
        Description: 'Simulated Reboot',
        EventSource: 'Platform',
        DurationInSeconds: -1,
      },
    ],
  });
  t.match(id, /^[0-9A-F-]{36}$/);
  t.same(s.requests.map((r) => r.vm), ['vmss_1', 'vmss_10', 'vmss_10']);
});

void t.test('schedule, start, complete and cancel each change DocumentIncarnation', async (t) => {
  const s = await sim(t);
  const seen: number[] = [s.incarnation];
  s.subscribe((n) => n.type === 'change' && seen.push(n.incarnation));
  const a = s.schedule({ eventType: 'Freeze', resources: ['vmss_1'] });
  const b = s.schedule({ eventType: 'Redeploy', resources: ['vmss_1'] });
  s.start(a);
  t.match(s.document().Events.find((e) => e.EventId === a), { EventStatus: 'Started', NotBefore: '', DurationInSeconds: 5 });
  s.complete(a);
  s.cancel(b);
  t.same(s.document().Events, []);
  t.equal(new Set(seen).size, 6, 'every change gets a new incarnation');
  t.throws(() => s.complete(a), { code: 'ERR_SIM_UNKNOWN_EVENT' });
  t.equal(s.document().DocumentIncarnation, seen.at(-1));
});

void t.test('an approval answers 200 for a valid id and starts the event for every VM listed', async (t) => {
  const s = await sim(t);
  const id = s.schedule({ eventType: 'Reboot', resources: ['vmss_1', 'vmss_2'] });
  const before = s.incarnation;
  const approved = s.waitFor(() => s.approvals.length === 1, 'the approval');
  const res = await call(s.url, EVENTS, { method: 'POST', body: JSON.stringify({ StartRequests: [{ EventId: id }] }) });
  await approved;
  t.equal(res.status, 200);
  t.same(s.approvals, [{ vm: 'vmss_1', eventIds: [id] }]);
  const other = (await call(s.urlFor('vmss_2'), EVENTS)).json() as { DocumentIncarnation: number; Events: { EventStatus: string; NotBefore: string }[] };
  t.equal(other.Events[0]?.EventStatus, 'Started', 'started for the other VM too');
  t.equal(other.Events[0]?.NotBefore, '');
  t.ok(other.DocumentIncarnation > before);
  t.equal((await call(s.url, EVENTS, { method: 'POST', body: '{"StartRequests":[{"EventId":"nope"}]}' })).status, 400);
  t.equal((await call(s.url, EVENTS, { method: 'POST', body: '{"StartRequests":[]}' })).status, 400);
  t.equal((await call(s.url, EVENTS, { method: 'POST', body: 'x' })).status, 400);
  t.equal(s.approvals.length, 1, 'refused approvals are not recorded');
});

void t.test('faults apply to the next N requests, then the service recovers', async (t) => {
  const s = await sim(t);
  s.faults.failNext(410, 2);
  s.faults.failNext(500);
  s.faults.malformedNext(1);
  const statuses = [];
  for (let i = 0; i < 5; i++) statuses.push((await call(s.url, EVENTS)).status);
  t.same(statuses, [410, 410, 500, 200, 200]);
  t.equal(s.eventRequests()[3]?.status, 200);
  s.faults.malformedNext(1, '{"DocumentIncarnation":1}');
  t.equal((await call(s.url, EVENTS)).text, '{"DocumentIncarnation":1}');
  s.faults.failNext(429, 1, 'compute');
  t.equal((await call(s.url, EVENTS)).status, 200, 'a compute fault leaves scheduled events alone');
  t.equal((await call(s.url, COMPUTE)).status, 429);
});

void t.test('a slow first call: the first scheduled-events answer of each VM waits', async (t) => {
  const s = await sim(t, { firstCallDelayMs: 200 });
  const first = call(s.url, EVENTS);
  await s.waitFor(() => s.requests.length === 1, 'the first request');
  t.equal(s.requests[0]?.status, undefined, 'not answered yet');
  t.equal((await first).status, 200);
  t.equal(s.requests[0]?.status, 200);
});

void t.test('optional rate limit: beyond 5 requests a second per VM answers 429', async (t) => {
  let now = 0;
  const s = await sim(t, { rateLimitPerSecond: 5, now: () => now });
  const statuses = [];
  for (let i = 0; i < 6; i++) statuses.push((await call(s.url, EVENTS)).status);
  t.same(statuses, [200, 200, 200, 200, 200, 429]);
  t.equal((await call(s.urlFor('vmss_2'), EVENTS)).status, 200, 'another VM has its own limit');
  now += 1001;
  t.equal((await call(s.url, EVENTS)).status, 200, 'a second later it answers again');
});
