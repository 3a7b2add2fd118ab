// `GET /api/v1/explain/:node`: every reason a claim would wait, at once, from any replica's cache.
import t from 'tap';
import type { Explanation } from '../../src/coordinator/explain.js';
import { makePod } from '../../src/sim/kube/fixtures.js';
import { startCluster } from '../support/cluster.js';
import { granted } from '../support/drain-cluster.js';
import { applyPolicy, labelNode } from '../support/policy.js';
import { createRequest, phaseOf } from '../support/requests.js';

const ZONE = 'topology.kubernetes.io/zone';
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function get(base: string, path: string): Promise<{ status: number; body: Explanation & { error?: string; message?: string } }> {
  const res = await fetch(new URL(path, base));
  return { status: res.status, body: (await res.json()) as Explanation & { error?: string; message?: string } };
}

void t.test('explain names every reason at once: budget, pool, zone, window, pause, blocker, health gate, settle', async (t) => {
  // The health gate on, with a Ready time long enough to hold for the whole test.
  const c = await startCluster(t, { nodes: 3, replicas: 2, flags: ['--max-rebooting', '2', '--settle-time', '1h', '--health-gate', '--health-gate-node-ready', '1h'] });
  // node-01 holds a slot; node-03 held one and was released a moment ago (the settle time and the health gate run).
  t.same(await granted(c, 'node-01', 'workers'), { ok: true, status: 200 });
  t.same(await granted(c, 'node-03'), { ok: true, status: 200 });
  c.sim.store.rebootNode('node-03');
  c.sim.store.setNodeReady('node-03', true);
  await c.sim.store.waitFor(() => c.holders().join() === 'node-01', { description: 'node-03 released' });
  for (const name of c.nodeNames) labelNode(c.sim, name, { role: 'worker', [ZONE]: name === 'node-03' ? 'b' : 'a' });
  c.sim.store.createPod(makePod({ namespace: 'backup', name: 'nightly', nodeName: 'node-03', labels: { app: 'backup' } }));
  const otherDay = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][(new Date().getUTCDay() + 3) % 7];
  const verdict = await applyPolicy(c.sim, {
    maxUnavailable: 1,
    topology: { key: ZONE, maxUnavailable: 1 },
    pools: [{ name: 'workers', nodeSelector: { matchLabels: { role: 'worker' } }, maxUnavailable: 1 }],
    windows: [{ days: [otherDay], start: '01:00', end: '02:00', timeZone: 'UTC' }],
    pause: { reason: 'kernel regression under investigation', by: 'alice' },
    blockers: { pods: [{ name: 'backups', selector: { matchLabels: { app: 'backup' } } }] },
  });
  t.equal(verdict.accepted, true, verdict.message);

  const leader = await c.leader();
  const { status, body } = await get(leader.internalUrl, 'api/v1/explain/node-02');
  t.equal(status, 200);
  t.match(body, { node: 'node-02', group: 'default', grantable: false, leader: true, synced: true });
  t.notOk('holding' in body);
  t.same(body.reasons.map((r) => r.rule), ['budget', 'topology', 'pool', 'settle', 'pause', 'window', 'blocker', 'health'], 'every rule that holds the claim back, in refusal order');
  const message = (rule: string) => body.reasons.find((r) => r.rule === rule)?.message;
  t.equal(message('budget'), 'the cluster-wide limit of 1 rebooting node(s) is reached (held by node-01)');
  t.equal(message('pool'), 'pool workers allows 1 node(s) out at once (rebooting: node-01)');
  t.equal(message('topology'), `cluster ${ZONE}=a allows 1 node(s) out at once (rebooting: node-01)`);
  t.match(message('settle'), /^settling: node node-03 was released \d+ s ago; the next node may start in \d+ s \(--settle-time\)$/);
  t.equal(message('pause'), 'new reboots are paused by alice: kernel regression under investigation');
  t.match(message('window'), /^cluster outside its windows \(\w+ 01:00–02:00 UTC\), next opening /);
  t.equal(message('blocker'), 'pods "backups": backup/nightly on node-03');
  t.match(message('health'), /^node-03 released \d+s ago: waiting for node node-03 Ready for 1h \(\d+s so far\); gives up in \d+m/, 'node-03 is in the same pool');
  const until = (rule: string) => body.reasons.find((r) => r.rule === rule)?.until ?? '';
  t.match(until('window'), RFC3339, "the window's next opening");
  t.match(until('settle'), RFC3339, 'the end of the settle time');
  t.match(until('health'), RFC3339, "the health gate's timeout");
  t.ok(Date.parse(until('settle')) > Date.now() + 59 * 60_000, 'an hour after the release');
  t.equal(body.reasons.find((r) => r.rule === 'pause')?.until, null, 'a pause has no end of its own');
  const refused = await c.preReboot('node-02');
  // Seconds tick between the two answers.
  const seconds = (text: string) => text.replace(/\d+ ?[smh]\b/g, 'N');
  t.equal(seconds(refused.ok ? '' : refused.value), seconds(body.reasons.map((r) => `${r.rule}: ${r.message}`).join('; ')), 'the refusal says the same, reason for reason');

  const follower = c.servers.find((s) => s !== leader);
  const fromFollower = await get(follower?.internalUrl ?? '', 'api/v1/explain/node-02');
  t.match(fromFollower.body, { grantable: false, leader: false, synced: true }, 'a follower answers from its own cache and says it does not lead');
  t.same(fromFollower.body.reasons.map((r) => r.rule), body.reasons.map((r) => r.rule));

  const holder = await get(leader.internalUrl, 'api/v1/explain/node-01?group=workers');
  t.match(holder.body, { node: 'node-01', grantable: true, reasons: [], holding: { node: 'node-01', lock: 'Rebooting', group: 'workers', phase: 'drained' } }, 'a holder: its slot instead of reasons');
  const urgent = await get(leader.internalUrl, 'api/v1/explain/node-02?group=azure-urgent');
  t.match(urgent.body, { group: 'azure-urgent', grantable: true, reasons: [] }, 'an urgent group passes every rule');
});

void t.test('an unknown node is 404 unknown_node, a bad group 400 bad_group', async (t) => {
  const c = await startCluster(t, { nodes: 1 });
  const { internalUrl } = await c.leader();
  t.same(await get(internalUrl, 'api/v1/explain/node-99'), { status: 404, body: { error: 'unknown_node', message: 'no node named "node-99"' } });
  t.same(await get(internalUrl, 'api/v1/explain/node-01?group=no_underscores'), { status: 400, body: { error: 'bad_group', message: 'group may contain only letters, digits, "." and "-"' } });
  t.same(await get(internalUrl, 'api/v1/explain/node-01?group='), { status: 400, body: { error: 'bad_group', message: 'group must not be empty' } });
  t.same(await get(internalUrl, 'api/v1/explain/node-01?group=a&group=b'), { status: 400, body: { error: 'bad_group', message: 'group given more than once' } });
  const ok = await get(internalUrl, 'api/v1/explain/node-01');
  t.match(ok, { status: 200, body: { node: 'node-01', group: 'default', grantable: true, reasons: [], leader: true, synced: true } }, 'nothing holds a lone node back');
});

void t.test('a node a MaintenanceRequest holds is not grantable: explain gives the refusal FleetLock answers', async (t) => {
  const c = await startCluster(t, { nodes: 2 });
  const { internalUrl } = await c.leader();
  createRequest(c.sim, 'disk', { nodeName: 'node-01', drain: false });
  await phaseOf(c.sim, 'disk', 'Approved');
  const { status, body } = await get(internalUrl, 'api/v1/explain/node-01');
  t.equal(status, 200);
  t.match(body, { node: 'node-01', grantable: false, reasons: [], holding: { node: 'node-01', phase: 'drained', source: 'maintenance-request', request: 'disk' } });
  t.match(body.refusal, { kind: 'blocked', value: /MaintenanceRequest disk/ });
  const refused = await c.preReboot('node-01');
  t.same(refused.ok ? undefined : { kind: refused.kind, value: refused.value }, body.refusal, 'the refusal a pre-reboot gets, word for word');
  const zincati = await get(internalUrl, 'api/v1/explain/node-02');
  t.notOk('refusal' in zincati.body, 'only a request\'s holder carries a refusal');
});
