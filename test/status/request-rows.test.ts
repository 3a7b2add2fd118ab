// The MaintenanceRequests the status API lists, and a request holder's row: from the caches, bounded.
import t from 'tap';
import type { NodeView } from '../../src/kube/node-view.js';
import { parseRequestSpec } from '../../src/kube/maintenance-requests.js';
import type { MaintenanceRequestView, RequestStatus } from '../../src/requests/request.js';
import { progressAnnotations, slotAnnotations } from '../../src/slot/encoding.js';
import { NO_PROGRESS, type Slot } from '../../src/slot/slot.js';
import { ENDED_SHOWN, requestRows } from '../../src/status/request-rows.js';
import { statusRows } from '../../src/status/rows.js';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');
const at = (minutesAgo: number): string => new Date(NOW - minutesAgo * 60_000).toISOString();

function request(name: string, spec: Record<string, unknown>, status?: RequestStatus, createdMinutesAgo = 60): MaintenanceRequestView {
  return { name, uid: `uid-${name}`, resourceVersion: '1', generation: 1, createdAt: NOW - createdMinutesAgo * 60_000, spec: parseRequestSpec({ reason: 'replace disk sdb', requester: 'alice', ...spec }), status };
}

function node(name: string, annotations: Record<string, string | null> = {}): NodeView {
  const kept = Object.fromEntries(Object.entries(annotations).filter((e): e is [string, string] => e[1] !== null));
  return { name, uid: name, resourceVersion: '1', machineId: '', bootId: 'b', ready: true, heartbeat: '', unschedulable: false, addresses: [], annotations: kept, labels: {}, readySince: 0, lifecycle: {} };
}

const slotFor = (r: MaintenanceRequestView, over: Partial<Slot> = {}): Slot => ({
  source: { kind: 'request', name: r.name, uid: r.uid, drain: true },
  group: 'default',
  id: '',
  claim: 'c',
  phase: 'draining',
  claimedAt: at(5),
  bootId: 'b',
  cordonedByUs: true,
  releaseRequestedAt: null,
  drain: { ...NO_PROGRESS, evicted: 1, total: 3, blockers: ['PodDisruptionBudget shop/web'] },
  ...over,
});

void t.test('a request holder row names the request, its requester, reason and phase; a FleetLock holder its id', async (t) => {
  const disk = request('disk', { nodeName: 'node-01' }, { phase: 'Pending', message: 'draining: 1/3 pods evicted', times: { pending: at(5) } });
  const rows = statusRows(
    [node('node-01', slotAnnotations(slotFor(disk))), node('node-02', slotAnnotations({ ...slotFor(disk), source: { kind: 'fleetlock' }, id: 'abc123', phase: 'drained', drain: null }))],
    NOW,
    [disk],
  );
  t.match(rows[0], { node: 'node-01', source: 'maintenance-request', fleetlockId: '', request: 'disk', requester: 'alice', reason: 'replace disk sdb', requestPhase: 'Pending', drainEvicted: 1, drainTotal: 3 });
  t.match(rows[1], { node: 'node-02', source: 'fleetlock', fleetlockId: 'abc123', request: '', requester: '', reason: '', requestPhase: '' });
  const [unknown] = statusRows([node('node-01', slotAnnotations(slotFor(disk)))], NOW, [{ ...disk, uid: 'another' }]);
  t.match(unknown, { source: 'maintenance-request', request: 'disk', requester: '', reason: '', requestPhase: '' }, 'a request re-created under the name is not the holder');
});

void t.test('live requests first come first with their message and drain progress, then the latest ended', async (t) => {
  const fw = request('fw', { nodeName: 'node-02', drain: false }, { phase: 'Pending', message: 'slots_full: the cluster-wide limit of 1 rebooting node(s) is reached (held by node-01)', times: { pending: at(3) } }, 3);
  const disk = request('disk', { nodeName: 'node-01' }, { phase: 'Pending', message: 'draining: 1/3 pods evicted', times: { pending: at(5) } }, 5);
  const fresh = request('fresh', { nodeName: 'node-03' }, undefined, 1);
  const done = request('done', { nodeName: 'node-03' }, { phase: 'Completed', message: 'completed', times: { pending: at(90), approved: at(80), completed: at(30) } });
  const expired = request('expired', { nodeName: 'node-03' }, { phase: 'Expired', message: 'not started within 1 min of approval', times: { pending: at(90), approved: at(80), expired: at(10) }, overrunAt: at(12) });
  const old = request('old', { nodeName: 'node-03' }, { phase: 'Rejected', message: 'node node-09 does not exist', times: { pending: at(25 * 60), rejected: at(25 * 60) } }, 25 * 60);
  const nodes = [node('node-01', { ...slotAnnotations(slotFor(disk)), ...progressAnnotations(slotFor(disk).drain) }), node('node-02'), node('node-03')];

  const rows = requestRows([done, fw, old, expired, disk, fresh], nodes, NOW);
  t.same(rows.map((r) => `${r.name} ${r.phase}`), ['disk Pending', 'fw Pending', 'fresh Pending', 'expired Expired', 'done Completed'], 'live by creation, ended latest first, none ended a day ago');
  t.same(rows[0], {
    name: 'disk',
    node: 'node-01',
    phase: 'Pending',
    requester: 'alice',
    reason: 'replace disk sdb',
    group: 'default',
    drains: true,
    message: 'draining: 1/3 pods evicted',
    holding: true,
    drain: '1/3 pods evicted; waiting on PodDisruptionBudget shop/web',
    drainEvicted: 1,
    drainTotal: 3,
    drainWaitingOn: 'PodDisruptionBudget shop/web',
    drainTimedOut: false,
    createdAt: at(5),
    since: at(5),
    times: { pending: at(5) },
    overrunAt: null,
  });
  t.match(rows[1], { name: 'fw', holding: false, drains: false, drain: '', drainEvicted: null, message: /^slots_full: / });
  t.match(rows[2], { name: 'fresh', phase: 'Pending', message: '', since: at(1), times: {} }, 'not yet written by reboot-manager: Pending since its creation');
  t.match(rows[3], { name: 'expired', since: at(10), overrunAt: at(12), holding: false });
});

void t.test(`at most ${ENDED_SHOWN} ended requests are listed, however many there are; live ones all`, async (t) => {
  const ended = Array.from({ length: 50 }, (_, i) => request(`r${String(i).padStart(2, '0')}`, { nodeName: 'node-01' }, { phase: 'Completed', message: 'done', times: { completed: at(i) } }));
  const live = Array.from({ length: 30 }, (_, i) => request(`live${String(i).padStart(2, '0')}`, { nodeName: `node-${i}` }, undefined, 100 - i));
  const rows = requestRows([...ended, ...live], [], NOW);
  t.equal(rows.length, 30 + ENDED_SHOWN);
  t.same(rows.slice(30).map((r) => r.name), ended.slice(0, ENDED_SHOWN).map((r) => r.name), 'the latest ended');
});

void t.test('a request with a bad spec is listed with what is wrong, once rejected', async (t) => {
  const bad = request('bad', { nodeName: 'node-01', reason: '' }, { phase: 'Rejected', message: 'spec.reason: required: say why', times: { rejected: at(1) } });
  t.match(requestRows([bad], [], NOW), [{ name: 'bad', node: 'node-01', phase: 'Rejected', requester: '', reason: '', group: '', message: 'spec.reason: required: say why' }]);
});
