// The requester's side through the KubeApi contract (in memory): following a request, starting and completing the
// work without ever overwriting the leader's verdict, and which request `done NODE` means.
import { readFile } from 'node:fs/promises';
import t, { type Test } from 'tap';
import { parse } from 'yaml';
import { systemClock as clock } from '../../src/clock/clock.js';
import { toRequestView } from '../../src/kube/maintenance-requests.js';
import { REQUEST_LIMITS } from '../../src/requests/limits.js';
import { completeRequestFor, liveRequestFor, requestUpdates, setState } from '../../src/requests/requester.js';
import { createMemoryCluster } from '../../src/sim/kube/memory-api.js';
import { KUBERNETES } from '../support/manifests.js';
import { createRequest, requestOf } from '../support/requests.js';

function cluster(t: Test) {
  const c = createMemoryCluster({ clock });
  t.teardown(() => c.close());
  return c;
}

/** reboot-manager's leader writes the status, as its driver would. */
function verdict(c: ReturnType<typeof createMemoryCluster>, name: string, phase: string, message: string): void {
  const r = requestOf(c, name);
  if (!r) throw new Error(`no MaintenanceRequest ${name}`);
  c.store.update('maintenancerequests', { ...r, status: { phase, message, times: { pending: new Date().toISOString() } } });
}

const view = (c: ReturnType<typeof createMemoryCluster>, name: string) => toRequestView(requestOf(c, name));

void t.test('following a request: each new status once, until approved; Ctrl-C stops it; a deleted request is said to be gone', async (t) => {
  const c = cluster(t);
  const api = c.api();
  createRequest(c, 'disk', { nodeName: 'node-01' });
  verdict(c, 'disk', 'Pending', 'slots_full: node-02 holds the only slot');
  const seen: string[] = [];
  for await (const r of requestUpdates(api, 'disk', { clock, intervalMs: 5 })) {
    seen.push(`${r.status?.phase}: ${r.status?.message}`);
    if (seen.length === 1) verdict(c, 'disk', 'Pending', 'draining: 0/1 pods evicted');
    if (seen.length === 2) verdict(c, 'disk', 'Approved', 'approved');
  }
  t.same(seen, ['Pending: slots_full: node-02 holds the only slot', 'Pending: draining: 0/1 pods evicted', 'Approved: approved'], 'ends with the approval');

  createRequest(c, 'patient', { nodeName: 'node-02' });
  verdict(c, 'patient', 'Pending', 'slots_full: ...');
  const stop = new AbortController();
  const phases: string[] = [];
  for await (const r of requestUpdates(api, 'patient', { clock, intervalMs: 5, signal: stop.signal })) {
    phases.push(r.status?.phase ?? '');
    stop.abort();
  }
  t.same(phases, ['Pending'], 'an abort ends it with the request as it was');

  createRequest(c, 'gone', { nodeName: 'node-03' });
  const follow = requestUpdates(api, 'gone', { clock, intervalMs: 5 });
  const next = follow.next();
  c.store.remove('maintenancerequests', undefined, 'gone');
  await t.rejects(next, { code: 'not_found', message: 'MaintenanceRequest gone is gone: someone deleted it' });
});

void t.test("starting and completing never overwrite the leader's verdict: a stale view is read again first", async (t) => {
  const c = cluster(t);
  const api = c.api();
  createRequest(c, 'disk', { nodeName: 'node-01' });
  verdict(c, 'disk', 'Approved', 'approved');
  const stale = view(c, 'disk');
  verdict(c, 'disk', 'Approved', 'approved: still yours');
  t.equal((await setState(api, stale, 'InProgress')).status?.message, 'approved: still yours', 'the change lands on the request as it is now');
  t.equal(requestOf(c, 'disk')?.spec.state, 'InProgress');

  createRequest(c, 'slow', { nodeName: 'node-02' });
  verdict(c, 'slow', 'Approved', 'approved');
  const before = view(c, 'slow');
  verdict(c, 'slow', 'Expired', 'not started within 1 s of approval');
  const after = await setState(api, before, 'InProgress');
  t.equal(after.status?.phase, 'Expired', 'an expiry in between is kept');
  t.equal(requestOf(c, 'slow')?.spec.state, undefined, 'and the ended request is not touched');

  const done = await completeRequestFor(api, 'node-01');
  t.match(done, { already: false, held: true, request: { name: 'disk' } });
  t.equal(requestOf(c, 'disk')?.spec.state, 'Completed');
  t.equal(await completeRequestFor(api, 'node-02'), undefined, 'an Expired request is not live');
});

void t.test('the live request for a node: the one holding it, else the first that came; ended ones never', (t) => {
  const at = (name: string, node: string, createdAt: number, phase?: string) =>
    ({ ...toRequestView({ metadata: { name, uid: name }, spec: { nodeName: node, reason: 'r', requester: 'q' } }), createdAt, status: phase ? { phase, message: '', times: {} } : undefined }) as ReturnType<typeof toRequestView>;
  const requests = [at('late', 'n1', 3, 'Approved'), at('first', 'n1', 1, 'Pending'), at('second', 'n1', 2), at('old', 'n1', 0, 'Completed'), at('other', 'n2', 0, 'Pending')];
  t.equal(liveRequestFor('n1', requests)?.name, 'late', 'the approved one');
  t.equal(liveRequestFor('n1', requests.filter((r) => r.name !== 'late'))?.name, 'first', 'else first come');
  t.equal(liveRequestFor('n3', requests), undefined);
  t.equal(liveRequestFor('n1', [requests[3] as ReturnType<typeof toRequestView>]), undefined, 'a Completed one is over');
  t.end();
});

void t.test("the CLI's limits are the CRD schema's", async (t) => {
  type Schema = { properties?: Record<string, Schema>; maxLength?: number; maximum?: number };
  const crd = parse(await readFile(`${KUBERNETES}base/maintenance-request-crd.yaml`, 'utf8')) as { spec: { versions: { schema: { openAPIV3Schema: Schema } }[] } };
  const spec = crd.spec.versions[0]?.schema.openAPIV3Schema.properties?.spec?.properties ?? {};
  t.equal(spec.reason?.maxLength, REQUEST_LIMITS.reason);
  t.equal(spec.requester?.maxLength, REQUEST_LIMITS.requester);
  t.equal(spec.startWithinSeconds?.maximum, REQUEST_LIMITS.seconds);
  t.equal(spec.finishWithinSeconds?.maximum, REQUEST_LIMITS.seconds);
});
