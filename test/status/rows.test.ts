// The rows `reboot-manager status` prints and `GET /api/v1/status` serves, from Node views.
import t from 'tap';
import type { NodeView } from '../../src/kube/node-view.js';
import { progressAnnotations } from '../../src/slot/encoding.js';
import { NO_PROGRESS } from '../../src/slot/slot.js';
import { statusRows } from '../../src/status/rows.js';
import { StatusService } from '../../src/status/snapshot.js';
import { policyViews } from '../support/policy-views.js';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');

function view(name: string, opts: Partial<NodeView> = {}): NodeView {
  return { name, uid: name, resourceVersion: '1', machineId: '', bootId: 'b', ready: true, heartbeat: '', unschedulable: false, addresses: [], annotations: {}, labels: {}, readySince: 0, lifecycle: {}, ...opts };
}

const holder = view('node-b', {
  unschedulable: true,
  annotations: {
    'rebootmanager/status': 'Rebooting',
    'rebootmanager/group': 'workers',
    'rebootmanager/phase': 'draining',
    'rebootmanager/claimed-at': '2025-06-01T11:35:00Z',
    'rebootmanager/cordoned': 'true',
    ...progressAnnotations({ ...NO_PROGRESS, evicted: 3, total: 7, terminating: 1, blockers: ['PodDisruptionBudget shop/web'] }),
  },
});
const released = view('node-a', { annotations: { 'rebootmanager/status': 'Ready', 'rebootmanager/released-at': '2025-06-01T11:00:00Z' } });
const adminCordoned = view('node-c', { unschedulable: true, ready: false });

void t.test('a holder row carries its slot, cordon and drain progress broken out', async (t) => {
  const [row] = statusRows([holder], NOW);
  t.same(row, {
    node: 'node-b',
    lock: 'Rebooting',
    group: 'workers',
    phase: 'draining',
    heldForSeconds: 25 * 60,
    claimedAt: '2025-06-01T11:35:00.000Z',
    ready: true,
    cordoned: 'us',
    drain: '3/7 pods evicted; 1 terminating; waiting on PodDisruptionBudget shop/web',
    drainEvicted: 3,
    drainTotal: 7,
    drainWaitingOn: 'PodDisruptionBudget shop/web',
    drainTimedOut: false,
    releasedAt: null,
    source: 'fleetlock',
    fleetlockId: '',
    request: '',
    requester: '',
    reason: '',
    requestPhase: '',
  });
});

void t.test('holders come first, then by name; fields that do not apply are empty or null, never missing', async (t) => {
  const rows = statusRows([adminCordoned, released, holder], NOW);
  t.same(rows.map((r) => r.node), ['node-b', 'node-a', 'node-c']);
  t.match(rows[1], { lock: 'Ready', group: '', phase: '', heldForSeconds: null, claimedAt: null, cordoned: '', drain: '', drainEvicted: null, drainTotal: null, drainWaitingOn: '', releasedAt: '2025-06-01T11:00:00.000Z', source: '', fleetlockId: '', request: '', requester: '', reason: '', requestPhase: '' });
  t.match(rows[2], { lock: 'Ready', ready: false, cordoned: 'admin', releasedAt: null });
  t.same(Object.keys(rows[1] ?? {}), Object.keys(rows[0] ?? {}), 'every row has the same fields');
  t.ok(JSON.stringify(rows).includes('"heldForSeconds":null'), 'a null is serialized, not dropped');
});

void t.test('drain progress is broken out from the data on the Node, several blockers named as on the page', async (t) => {
  const progress = { ...NO_PROGRESS, evicted: 2, total: 9, blockers: ['PodDisruptionBudget a/x', 'pod a/y (no controller)', 'c', 'd'], ownPodLast: true, timedOut: { afterMs: 30 * 60_000, policy: 'refuse' as const } };
  const [row] = statusRows([view('n', { annotations: { 'rebootmanager/status': 'Rebooting', ...progressAnnotations(progress) } })], NOW);
  t.match(row, { drainEvicted: 2, drainTotal: 9, drainWaitingOn: 'PodDisruptionBudget a/x, pod a/y (no controller), c and 1 more', drainTimedOut: true });
  t.equal(row?.drain, "drain timed out after 30m (policy refuse); 2/9 pods evicted; waiting on PodDisruptionBudget a/x, pod a/y (no controller), c and 1 more; reboot-manager's own pod goes last");
  const [done] = statusRows([view('n', { annotations: { 'rebootmanager/status': 'Rebooting', ...progressAnnotations({ ...NO_PROGRESS, evicted: 2, total: 2, done: 'drained' }) } })], NOW);
  t.match(done, { drain: 'drained: 2 pods evicted', drainEvicted: null, drainTotal: null, drainWaitingOn: '', drainTimedOut: false });
  const [bare] = statusRows([view('n', { annotations: { 'rebootmanager/status': 'Rebooting' } })], NOW);
  t.match(bare, { drain: '', drainEvicted: null, drainTotal: null, drainWaitingOn: '', drainTimedOut: false });
});

void t.test('the snapshot: identity, leadership, budget per group and the latest release', async (t) => {
  const nodes = [holder, released, adminCordoned];
  const service = new StatusService({
    nodes: { values: () => nodes.values(), synced: true, lastRelease: () => ({ name: 'node-a', at: Date.parse('2025-06-01T11:00:00Z') }) },
    requests: { values: () => [] },
    budget: () => ({ maxTotal: 2, defaultPerGroup: 1, perGroup: new Map([['workers', 3]]), urgentGroups: new Set(['azure-urgent']) }),
    policy: policyViews(),
    identity: 'replica-0',
    isLeader: () => false,
    clock: { now: () => NOW },
  });
  const snap = service.snapshot();
  t.match(snap, {
    generatedAt: '2025-06-01T12:00:00.000Z',
    identity: 'replica-0',
    leader: false,
    cacheSynced: true,
    holders: 1,
    lastRelease: { node: 'node-a', at: '2025-06-01T11:00:00.000Z' },
  });
  t.same(snap.budget, {
    maxRebooting: 2,
    slotsPerGroup: 1,
    groupSlots: { workers: 3 },
    urgentGroups: ['azure-urgent'],
    groups: [
      { group: 'azure-urgent', slots: 1, holders: 0, urgent: true },
      { group: 'default', slots: 1, holders: 0, urgent: false },
      { group: 'workers', slots: 2, holders: 1, urgent: false },
    ],
  }, 'a group never has more slots than the cluster');
  t.same(snap.nodes.map((r) => r.node), ['node-b', 'node-a', 'node-c']);
});
