// The simulator keeps ReplicaSet, StatefulSet and Deployment status as kube-controller-manager does (v1.36):
// a terminating pod leaves a ReplicaSet's count at once but stays ready in a StatefulSet's; Deployments sum their ReplicaSets.
import t from 'tap';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { createMemoryCluster } from '../../src/sim/kube/memory-api.js';
import { makeNode } from '../../src/sim/kube/fixtures.js';
import { runFor } from '../support/virtual-time.js';
import { addDeployment, addStatefulSet, statusOf } from '../support/workloads.js';

void t.test('workload status follows pods: eviction, slow replacement, spec changes', async (t) => {
  const clock = new VirtualClock();
  const cluster = createMemoryCluster({ clock, graceMsPerSecond: 1000, controllers: { replaceEvicted: true, readyDelayMs: 20_000 } });
  t.teardown(() => cluster.close());
  const { store } = cluster;
  for (const name of ['n1', 'n2', 'n3']) store.createNode(makeNode({ name, machineID: 'a'.repeat(32), clock }));
  const web = addDeployment(store, { namespace: 'shop', name: 'web', nodes: ['n1', 'n2', 'n3'], clock });
  const db = addStatefulSet(store, { namespace: 'shop', name: 'db', nodes: ['n1', 'n2'], clock, grace: 10 });
  await runFor(clock, 0);
  t.match(statusOf(store, 'replicasets', 'shop', 'web-7d9f8b6c5'), { replicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
  t.match(statusOf(store, 'deployments', 'shop', 'web'), { replicas: 3, readyReplicas: 3, updatedReplicas: 3, availableReplicas: 3, unavailableReplicas: 0, observedGeneration: 1 });
  t.match(statusOf(store, 'statefulsets', 'shop', 'db'), { replicas: 2, readyReplicas: 2, observedGeneration: 1 });

  const api = cluster.api();
  const evictions = Promise.all([api.evictPod('shop', web.pods[0]?.metadata.name ?? '', web.pods[0]?.metadata.uid ?? ''), api.evictPod('shop', 'db-0', db.pods[0]?.metadata.uid ?? '')]);
  await runFor(clock, 0);
  await evictions;
  t.match(statusOf(store, 'deployments', 'shop', 'web'), { readyReplicas: 2 }, 'a terminating pod is no longer a ReplicaSet replica; its replacement is not Ready yet');
  t.match(statusOf(store, 'replicasets', 'shop', 'web-7d9f8b6c5'), { replicas: 3, readyReplicas: 2 }, 'the replacement is an active replica at once');
  t.match(statusOf(store, 'statefulsets', 'shop', 'db'), { replicas: 2, readyReplicas: 2 }, 'a terminating StatefulSet pod that is still Running and Ready counts as ready');
  await runFor(clock, 10_000);
  t.match(statusOf(store, 'statefulsets', 'shop', 'db'), { replicas: 2, readyReplicas: 1 }, 'its replacement is not Ready yet');
  await runFor(clock, 10_000);
  t.match(statusOf(store, 'deployments', 'shop', 'web'), { readyReplicas: 3, unavailableReplicas: 0 }, 'whole again once the replacement is Ready');
  await runFor(clock, 10_000);
  t.match(statusOf(store, 'statefulsets', 'shop', 'db'), { readyReplicas: 2 });

  const deployment = store.get('deployments', 'shop', 'web');
  store.update('deployments', { ...deployment, metadata: deployment?.metadata ?? {}, spec: { ...deployment?.spec, replicas: 4 } });
  t.match(store.get('deployments', 'shop', 'web'), { metadata: { generation: 2 }, status: { observedGeneration: 1 } }, 'a spec change is not observed at once');
  await runFor(clock, 0);
  t.match(statusOf(store, 'deployments', 'shop', 'web'), { observedGeneration: 2, readyReplicas: 3, unavailableReplicas: 1 });
});
