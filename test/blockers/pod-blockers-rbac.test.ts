// A pod blocker over HTTP, as reboot-manager's ServiceAccount: the shipped RBAC lets it list and watch pods
// in every namespace, and the API server filters them by the blocker's label selector.
import t from 'tap';
import { pino } from 'pino';
import { pollUntil } from '../../kit/poll.js';
import { Blockers } from '../../src/blockers/blocker-rule.js';
import { systemClock } from '../../src/clock/clock.js';
import { toNodeView } from '../../src/kube/node-view.js';
import { createKubeApi } from '../../src/kube/rest-api.js';
import { machineIdFor, makeNode, makePod, startKubeSim } from '../../src/sim/kube/index.js';
import { SERVICE_ACCOUNT } from '../support/cluster.js';
import { withBlockers } from '../support/blocker-rig.js';

void t.test('the ServiceAccount may watch the pods of a cluster-wide pod blocker', async (t) => {
  const sim = await startKubeSim();
  t.teardown(() => sim.close());
  sim.store.createNode(makeNode({ name: 'node-1', machineID: machineIdFor(1) }));
  sim.store.createPod(makePod({ namespace: 'shop', name: 'web', nodeName: 'node-1', labels: { app: 'web' } }));
  const kubeconfig = `${t.testdir()}/kubeconfig`;
  await sim.writeKubeconfig(kubeconfig, SERVICE_ACCOUNT);
  const rule = new Blockers({ api: createKubeApi(kubeconfig), clock: systemClock, log: pino({ level: 'silent' }) });
  t.teardown(() => rule.stop());
  rule.update(withBlockers({ pods: [{ name: 'backups', selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['backup', 'restore'] }] } }] }));
  const asking = { node: toNodeView(sim.store.getNode('node-1')), group: 'default', now: Date.now(), pools: [], urgent: false };

  await pollUntil('the pod list', async () => rule.synced(), { timeoutMs: 10_000, intervalMs: 20 });
  t.same(rule.reasons(asking), [], 'a pod the selector does not match blocks nothing');
  sim.store.createPod(makePod({ namespace: 'backup', name: 'restore-1', nodeName: 'node-1', labels: { app: 'restore' } }));
  const reasons = await pollUntil('the watch to bring the pod', async () => rule.reasons(asking).length > 0 && rule.reasons(asking), { timeoutMs: 10_000, intervalMs: 20 });
  t.same(reasons, [{ rule: 'blocker', message: 'pods "backups": backup/restore-1 on node-1' }]);

  const calls = sim.requests.list({ resource: 'pods' }).filter((r) => r.user.includes('reboot-manager'));
  t.ok(calls.some((r) => r.verb === 'list' && r.status === 200 && r.namespace === ''), 'listed in every namespace');
  t.ok(calls.some((r) => r.verb === 'watch' && r.status === 200 && r.namespace === ''), 'and watched');
  t.same(calls.filter((r) => r.status !== 200), [], 'no call was refused');
});
