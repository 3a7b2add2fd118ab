// `reboot-manager pause` survives a leader failover: the pause lives in the RebootPolicy, not in a replica.
import t from 'tap';
import { createKubeApi } from '../../src/kube/rest-api.js';
import { pauseReboots, resumeReboots } from '../../src/policy/pause-switch.js';
import { startCluster } from '../support/cluster.js';
import { granted } from '../support/drain-cluster.js';
import { policyJudged } from '../support/policy.js';

void t.test('paused, the leader stops, the new leader still refuses naming who and why; holders finish; resume lets the next node in', async (t) => {
  const c = await startCluster(t, { nodes: 3, replicas: 2, flags: ['--max-rebooting', '2'] });
  const kubeconfig = `${t.testdirName}/admin-kubeconfig`;
  await c.sim.writeKubeconfig(kubeconfig, 'admin');
  const api = createKubeApi(kubeconfig);
  t.same(await granted(c, 'node-01', 'workers'), { ok: true, status: 200 }, 'granted before the pause');

  const paused = await pauseReboots(api, { reason: 'kernel regression under investigation', by: 'alice', since: '2026-03-02T09:00:00.000Z' });
  t.equal(paused.created, true, 'no RebootPolicy yet: pause created one');
  t.equal((await policyJudged(c.sim)).accepted, true);
  const refusal = { status: 423, kind: 'blocked', value: 'pause: new reboots are paused by alice since 2026-03-02T09:00:00.000Z: kernel regression under investigation' };
  t.match(await c.preReboot('node-02'), refusal);
  t.same(await c.preReboot('node-01', 'workers'), { ok: true, status: 200 }, 'a holder granted before the pause is still answered 200');

  const first = await c.leader();
  await first.close();
  c.servers = c.servers.filter((s) => s !== first);
  const next = await c.leader();
  t.not(next, first, 'another replica leads');
  t.match(await c.preReboot('node-02'), refusal, 'the new leader refuses with the same pause');

  c.sim.store.rebootNode('node-01');
  c.sim.store.setNodeReady('node-01', true);
  await c.sim.store.waitFor(() => !c.holders().includes('node-01'), { description: 'node-01 released' });
  t.match(await c.preReboot('node-02'), refusal, 'the holder finished; the pause still holds the others');
  t.same(c.holders(), []);

  t.same((await resumeReboots(api)).lifted, { reason: 'kernel regression under investigation', by: 'alice', since: '2026-03-02T09:00:00.000Z' });
  t.equal((await policyJudged(c.sim)).accepted, true);
  t.same(await granted(c, 'node-02'), { ok: true, status: 200 }, 'resumed: the next node is granted');
  // The object pause created sets no budget: --slots-per-group (1) still applies, as it did before the pause.
  t.match(await c.preReboot('node-03'), { status: 423, kind: 'slots_full' }, 'nothing but the pause changed');
  t.same(c.holders(), ['node-02']);
});
