// One refusal names every reason the policy holds a claim back for; urgent groups pass all but the budgets.
import t from 'tap';
import { makePod } from '../../src/sim/kube/fixtures.js';
import { startCluster } from '../support/cluster.js';
import { eventRecorded, nodeEvents } from '../support/drain-cluster.js';
import { applyPolicy } from '../support/policy.js';

void t.test('pause, a closed window and a blocking pod are all named in one blocked refusal; an urgent group passes them', async (t) => {
  const c = await startCluster(t, { nodes: 3, flags: ['--max-rebooting', '2'] });
  c.sim.store.createPod(makePod({ namespace: 'backup', name: 'nightly', nodeName: 'node-03', labels: { app: 'backup' } }));
  const now = new Date();
  // A window that opened an hour ago on a day other than today's (UTC) is closed now.
  const otherDay = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][(now.getUTCDay() + 3) % 7];
  const verdict = await applyPolicy(c.sim, {
    maxUnavailable: 2,
    pause: { reason: 'kernel regression under investigation', by: 'alice' },
    windows: [{ days: [otherDay], start: '01:00', end: '02:00', timeZone: 'UTC' }],
    blockers: { pods: [{ name: 'backups', selector: { matchLabels: { app: 'backup' } } }] },
  });
  t.equal(verdict.accepted, true, verdict.message);
  const refused = await c.preReboot('node-01');
  t.match(refused, { status: 423, kind: 'blocked' });
  const value = refused.ok ? '' : refused.value;
  t.match(value, /window: cluster outside its windows \(\w+ 01:00–02:00 UTC\), next opening/);
  t.match(value, /pause: new reboots are paused by alice: kernel regression under investigation/);
  t.match(value, /blocker: pods "backups": backup\/nightly on node-03/);
  t.same(c.holders(), [], 'nothing claimed');
  const event = await eventRecorded(c, 'node-01', 'RebootBlocked');
  t.match(event.message, /^Reboot held back by the rollout policy: pause: .*; window: .*; blocker: /, 'kubectl describe node shows why');
  t.match(await c.preReboot('node-01'), { kind: 'blocked' }, 'asked again, for the same reasons');
  t.equal(nodeEvents(c, 'node-01').filter((e) => e.reason === 'RebootBlocked').length, 1, 'one Event, not one per poll');
  t.same(await c.preReboot('node-02', 'azure-urgent'), { ok: true, status: 200 }, 'Preempt/Terminate go ahead: the VM goes away regardless');
  t.same(c.holders(), ['node-02'], 'and still use the budget');
});
