// The lifecycle as a pure function: every leader computes the same step from the same caches, so a failover
// anywhere carries on. Each case is what a requester would see happen to its request.
import t from 'tap';
import type { NodeView } from '../../src/kube/node-view.js';
import { nextStep, type RequestFacts } from '../../src/requests/lifecycle.js';
import type { MaintenanceRequestView, RequestSpec, RequestStatus } from '../../src/requests/request.js';
import { FLEETLOCK, type Slot } from '../../src/slot/slot.js';

const T0 = Date.parse('2026-12-03T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const SPEC: RequestSpec = { nodeName: 'node-02', reason: 'disk', requester: 'alice', drain: true, group: 'default', startWithinMs: 60_000, finishWithinMs: 600_000, state: 'Requested' };
const NODE: NodeView = { name: 'node-02', uid: 'n2', resourceVersion: '1', machineId: 'm', bootId: 'b', ready: true, heartbeat: '', unschedulable: false, addresses: [], annotations: {}, labels: {}, readySince: 0, lifecycle: {} };

function request(spec: Partial<RequestSpec> = {}, status?: RequestStatus, name = 'disk'): MaintenanceRequestView {
  return { name, uid: `uid-${name}`, resourceVersion: '5', generation: 1, createdAt: T0, spec: { ...SPEC, ...spec }, status };
}

function slot(phase: Slot['phase'], extra: Partial<Slot> = {}, uid = 'uid-disk'): Slot {
  return { source: { kind: 'request', name: 'disk', uid, drain: true }, group: 'default', id: '', claim: 'c1', phase, claimedAt: iso(T0), bootId: 'b', cordonedByUs: true, releaseRequestedAt: null, drain: null, ...extra };
}

const facts = (f: Partial<RequestFacts>): RequestFacts => ({ request: request(), node: NODE, slot: undefined, earlier: undefined, urgentGroups: new Set(['azure-urgent']), now: T0, ...f });

void t.test('a new request asks for the slot and is Pending', async (t) => {
  const step = nextStep(facts({}));
  t.equal(step.status.phase, 'Pending');
  t.equal(step.action.kind, 'claim');
  t.equal(step.status.times.pending, iso(T0));
});

void t.test('a node another holder has waits, naming the holder; nothing is claimed', async (t) => {
  const zincati: Slot = { ...slot('drained'), source: FLEETLOCK, id: 'abc' };
  const step = nextStep(facts({ slot: zincati }));
  t.match(step.status, { phase: 'Pending', message: /^held: .*FleetLock id abc/ });
  t.equal(step.action.kind, 'none');
});

void t.test('a claimed slot is drained before approval; a drained one is Approved with its start deadline', async (t) => {
  t.match(nextStep(facts({ slot: slot('draining') })), { status: { phase: 'Pending' }, action: { kind: 'advance' } });
  const approved = nextStep(facts({ slot: slot('drained') }));
  t.match(approved, { status: { phase: 'Approved', times: { approved: iso(T0) } }, action: { kind: 'none' }, wakeAt: T0 + 60_000 });
});

void t.test('past the start deadline the slot ends and the request is Expired', async (t) => {
  const approvedStatus: RequestStatus = { phase: 'Approved', message: '', times: { pending: iso(T0), approved: iso(T0) } };
  const step = nextStep(facts({ request: request({}, approvedStatus), slot: slot('drained'), now: T0 + 60_000 }));
  t.match(step, { status: { phase: 'Expired', times: { expired: iso(T0 + 60_000) } }, action: { kind: 'release', reason: 'request_expired' } });
});

void t.test('in progress: past the finishing deadline it is reported once, and released only once the node is Ready', async (t) => {
  const started: RequestStatus = { phase: 'InProgress', message: '', times: { pending: iso(T0), approved: iso(T0), inProgress: iso(T0) } };
  const r = request({ state: 'InProgress' }, started);
  const late = T0 + 600_000;
  const down = nextStep(facts({ request: r, slot: slot('drained'), node: { ...NODE, ready: false }, now: late }));
  t.match(down, { status: { phase: 'InProgress', overrunAt: iso(late) }, action: { kind: 'none' }, overran: true });
  const reported = request({ state: 'InProgress' }, { ...started, overrunAt: iso(late) });
  const still = nextStep(facts({ request: reported, slot: slot('drained'), node: { ...NODE, ready: false }, now: late + 1000 }));
  t.equal(still.overran, false, 'reported once');
  const back = nextStep(facts({ request: reported, slot: slot('drained'), now: late + 2000 }));
  t.match(back, { status: { phase: 'Expired', overrunAt: iso(late) }, action: { kind: 'release' } });
});

void t.test('completed: the release is asked for; once the slot is gone the request is Completed', async (t) => {
  const r = request({ state: 'Completed' }, { phase: 'InProgress', message: '', times: { pending: iso(T0), approved: iso(T0), inProgress: iso(T0) } });
  t.match(nextStep(facts({ request: r, slot: slot('drained') })), { status: { phase: 'InProgress' }, action: { kind: 'request-release' } });
  t.match(nextStep(facts({ request: r, slot: undefined })), { status: { phase: 'Completed' }, action: { kind: 'none' } });
});

void t.test('withdrawn mid-drain: it says the drain stopped and the slot went back, not that nothing was held', async (t) => {
  const draining = nextStep(facts({ slot: slot('draining', { claimedAt: iso(T0 - 5000) }), now: T0 }));
  t.equal(draining.status.times.claimed, iso(T0 - 5000), 'the claim time is the slot\'s');
  const r = request({ state: 'Completed' }, draining.status);
  t.match(nextStep(facts({ request: r, slot: slot('draining') })), { status: { phase: 'Pending' }, action: { kind: 'request-release' } });
  t.match(nextStep(facts({ request: r, slot: undefined })), {
    status: { phase: 'Completed', message: 'completed by the requester before it was approved: the drain stopped and the slot of node node-02 was given back' },
  });
  const never = request({ state: 'Completed' }, { phase: 'Pending', message: 'waiting for a slot', times: { pending: iso(T0) } });
  t.match(nextStep(facts({ request: never })), { status: { phase: 'Completed', message: /nothing was held$/ } });
});

void t.test('an approved request whose slot someone else gave back is Expired, not claimed again', async (t) => {
  const r = request({}, { phase: 'Approved', message: '', times: { pending: iso(T0), approved: iso(T0) } });
  t.match(nextStep(facts({ request: r, slot: undefined })), { status: { phase: 'Expired', message: /given back by someone else/ }, action: { kind: 'none' } });
});

void t.test('a slot held under a re-created request of the same name is not this request\'s', async (t) => {
  const step = nextStep(facts({ slot: slot('drained', {}, 'uid-of-the-old-one') }));
  t.match(step, { status: { phase: 'Pending', message: /^held: .*MaintenanceRequest disk/ }, action: { kind: 'none' } });
});

void t.test('rejected: no such node, a second live request, a spec the server cannot use; a held slot goes with it', async (t) => {
  t.match(nextStep(facts({ node: undefined })), { status: { phase: 'Rejected', message: 'node node-02 does not exist' }, action: { kind: 'none' } });
  t.match(nextStep(facts({ earlier: request({}, undefined, 'first') })), { status: { phase: 'Rejected', message: /MaintenanceRequest first already asks/ } });
  const bad: MaintenanceRequestView = { ...request(), spec: { problem: 'spec.state: one of Requested, InProgress, Completed', nodeName: 'node-02' } };
  t.match(nextStep(facts({ request: bad, slot: slot('draining') })), { status: { phase: 'Rejected', message: /spec\.state/ }, action: { kind: 'release' } });
});

void t.test('an ended request that still holds its slot (a leader stopped between writes) gives it back', async (t) => {
  const ended = request({}, { phase: 'Expired', message: 'x', times: { pending: iso(T0), expired: iso(T0) } });
  t.match(nextStep(facts({ request: ended, slot: slot('drained') })), { status: { phase: 'Expired' }, action: { kind: 'release' } });
  t.match(nextStep(facts({ request: ended, slot: undefined })), { action: { kind: 'none' } });
});

void t.test('a request in an urgent group is Rejected naming the group and the flag, and claims nothing', async (t) => {
  const step = nextStep(facts({ request: request({ group: 'azure-urgent' }) }));
  t.match(step, { status: { phase: 'Rejected', message: /^spec\.group: azure-urgent is an urgent group \(--urgent-groups\)/ }, action: { kind: 'none' } });
  t.match(nextStep(facts({ request: request({ group: 'azure-urgent' }), urgentGroups: new Set() })), { action: { kind: 'claim' } }, 'with --urgent-groups= it is an ordinary group');
  const held = nextStep(facts({ request: request({ group: 'azure-urgent' }), slot: slot('draining', { group: 'azure-urgent' }) }));
  t.match(held, { status: { phase: 'Pending' }, action: { kind: 'advance' } }, 'a slot it took before this rule is left to finish');
});
