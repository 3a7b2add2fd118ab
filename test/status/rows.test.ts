// The rows `reboot-manager status` prints and `GET /api/v1/status` serves, from Node views.
import t from 'tap';
import { parseProgress, progressText } from '../../src/drain/progress.js';
import type { NodeView } from '../../src/kube/node-view.js';
import { statusRows } from '../../src/status/rows.js';
import { StatusService } from '../../src/status/snapshot.js';

const NOW = new Date('2025-06-01T12:00:00.000Z');

function view(name: string, opts: Partial<NodeView> = {}): NodeView {
  return { name, uid: name, resourceVersion: '1', machineId: '', bootId: 'b', ready: true, unschedulable: false, annotations: {}, ...opts };
}

const holder = view('node-b', {
  unschedulable: true,
  annotations: {
    'rebootmanager/status': 'Rebooting',
    'rebootmanager/group': 'workers',
    'rebootmanager/phase': 'draining',
    'rebootmanager/claimed-at': '2025-06-01T11:35:00Z',
    'rebootmanager/cordoned': 'true',
    'rebootmanager/drain': '3/7 pods evicted; 1 terminating; waiting on PodDisruptionBudget shop/web',
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
  });
});

void t.test('holders come first, then by name; fields that do not apply are empty or null, never missing', async (t) => {
  const rows = statusRows([adminCordoned, released, holder], NOW);
  t.same(rows.map((r) => r.node), ['node-b', 'node-a', 'node-c']);
  t.match(rows[1], { lock: 'Ready', group: '', phase: '', heldForSeconds: null, claimedAt: null, cordoned: '', drain: '', drainEvicted: null, drainTotal: null, drainWaitingOn: '', releasedAt: '2025-06-01T11:00:00.000Z' });
  t.match(rows[2], { lock: 'Ready', ready: false, cordoned: 'admin', releasedAt: null });
  t.same(Object.keys(rows[1] ?? {}), Object.keys(rows[0] ?? {}), 'every row has the same fields');
  t.ok(JSON.stringify(rows).includes('"heldForSeconds":null'), 'a null is serialized, not dropped');
});

void t.test('parseProgress reads back what progressText writes', async (t) => {
  const line = progressText({ gone: 2, total: 9, terminating: 0, blockers: ['PodDisruptionBudget a/x', 'pod a/y (no controller)', 'c', 'd'], ownPodLast: true, timedOut: { after: '30m', policy: 'refuse' } });
  t.same(parseProgress(line), { evicted: 2, total: 9, waitingOn: 'PodDisruptionBudget a/x, pod a/y (no controller), c and 1 more', timedOut: true });
  t.same(parseProgress('drained: 2 pods evicted'), { evicted: null, total: null, waitingOn: '', timedOut: false });
  t.same(parseProgress(''), { evicted: null, total: null, waitingOn: '', timedOut: false });
});

void t.test('the snapshot: identity, leadership, budget per group and the latest release', async (t) => {
  const nodes = [holder, released, adminCordoned];
  const service = new StatusService({
    nodes: { values: () => nodes.values(), synced: true, lastRelease: () => ({ name: 'node-a', at: Date.parse('2025-06-01T11:00:00Z') }) },
    budget: { maxTotal: 2, defaultPerGroup: 1, perGroup: new Map([['workers', 3]]), urgentGroups: new Set(['azure-urgent']) },
    identity: 'replica-0',
    isLeader: () => false,
    now: () => NOW,
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
      { group: 'workers', slots: 2, holders: 1, urgent: false },
    ],
  }, 'a group never has more slots than the cluster');
  t.same(snap.nodes.map((r) => r.node), ['node-b', 'node-a', 'node-c']);
});
