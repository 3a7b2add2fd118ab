// The health gate's caches: slim views of workloads and budgets, budgets found by pod labels, nothing kept while stopped.
import t from 'tap';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { WorkloadCaches } from '../../src/kube/workloads.js';
import { runUntil } from '../../src/sim/dst/drive.js';
import { createMemoryCluster } from '../../src/sim/kube/memory-api.js';
import { addDeployment } from '../support/workloads.js';

void t.test('lists and watches workloads and budgets; budgets are found by a pod\'s labels', async (t) => {
  const clock = new VirtualClock();
  const cluster = createMemoryCluster({ clock });
  t.teardown(() => cluster.close());
  const { store } = cluster;
  addDeployment(store, { namespace: 'shop', name: 'web', nodes: ['n1', 'n2'], minAvailable: 1, clock });
  const pdb = (name: string, selector: unknown) => store.create('poddisruptionbudgets', { metadata: { name, namespace: 'shop' }, spec: { minAvailable: 1, selector } });
  pdb('everything', {});
  pdb('nothing', null);
  pdb('tiers', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }, { key: 'canary', operator: 'DoesNotExist' }] });
  store.create('poddisruptionbudgets', { metadata: { name: 'web', namespace: 'other' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } });

  const caches = new WorkloadCaches(cluster.api(), clock);
  t.teardown(() => caches.stop());
  t.equal(caches.synced, false, 'not started: not synced');
  caches.start();
  t.ok(await runUntil(clock, () => caches.synced, 60_000));
  t.same(caches.workload('Deployment', 'shop', 'web'), { kind: 'Deployment', namespace: 'shop', name: 'web', generation: 1, observedGeneration: 1, replicas: 2, readyReplicas: 2, deployment: '' });
  t.match(caches.workload('ReplicaSet', 'shop', 'web-7d9f8b6c5'), { kind: 'ReplicaSet', readyReplicas: 2, deployment: 'web' }, 'a ReplicaSet knows its Deployment');
  t.equal(caches.workload('Job', 'shop', 'web'), undefined, 'kinds it does not watch are unknown');
  t.match(caches.budget('shop', 'web'), { currentHealthy: 2, desiredHealthy: 1, expectedPods: 2, observedGeneration: 1 });

  const names = (labels: Record<string, string>) => caches.budgetsSelecting('shop', labels).map((b) => b.name).sort();
  t.same(names({ app: 'web' }), ['everything', 'web'], 'an empty selector selects every pod of its namespace, a null one none');
  t.same(names({ app: 'api', tier: 'edge' }), ['everything', 'tiers']);
  t.same(names({ app: 'api', tier: 'edge', canary: 'yes' }), ['everything']);

  store.remove('poddisruptionbudgets', 'shop', 'everything');
  store.setPodReady('shop', 'web-7d9f8b6c5-0', false);
  t.ok(await runUntil(clock, () => caches.workload('Deployment', 'shop', 'web')?.readyReplicas === 1, 60_000), 'the watch follows the controller status');
  t.ok(await runUntil(clock, () => caches.budget('shop', 'everything') === undefined, 60_000));
  t.same(names({ app: 'web' }), ['web'], 'a deleted budget leaves the index');

  caches.stop();
  t.equal(caches.synced, false);
  t.equal(caches.workload('Deployment', 'shop', 'web'), undefined, 'stopped: nothing stale passes for current');
  caches.start();
  t.ok(await runUntil(clock, () => caches.synced, 60_000));
  t.match(caches.workload('Deployment', 'shop', 'web'), { readyReplicas: 1 }, 'started again: listed afresh');
});
