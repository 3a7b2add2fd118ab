// A cluster whose web PodDisruptionBudget lets no pod leave: a drain of the node picked stops half-way until the test lifts it.
import type { Test } from 'tap';
import { pollUntil } from '../../../kit/poll.js';
import type { AdminClient } from '../../../kit/admin-client.js';
import type { FakeNode } from '../../../kit/nodes.js';
import { createKubeApi } from '../../../src/kube/rest-api.js';
import { HolderWatch } from '../../../src/sim/fleet/holder-watch.js';
import type { E2eCluster } from './e2e-cluster.js';
import { NodeFeed } from './node-feed.js';
import { APP_NAMESPACE, deployWorkloads, workloadsHealthy } from './workloads.js';

interface PodList {
  items: { spec: { nodeName?: string } }[];
}

export interface BlockedDrain {
  /** A node running a web pod, so its drain blocks on the budget. */
  readonly target: FakeNode;
  readonly feed: NodeFeed;
  readonly holders: HolderWatch;
}

export const setWebBudget = (admin: AdminClient, maxUnavailable: number): Promise<unknown> =>
  admin.ok('PATCH', `/apis/policy/v1/namespaces/${APP_NAMESPACE}/poddisruptionbudgets/web`, { spec: { maxUnavailable } }, 'merge');

export async function blockedDrain(t: Test, cluster: E2eCluster): Promise<BlockedDrain> {
  const admin = cluster.plane.admin;
  await deployWorkloads(admin, { web: 4, db: 3 });
  await pollUntil('the applications Ready', () => workloadsHealthy(admin));
  await setWebBudget(admin, 0);
  const pods = await admin.ok<PodList>('GET', `/api/v1/namespaces/${APP_NAMESPACE}/pods?labelSelector=app%3Dweb`);
  const target = cluster.nodes.find((n) => pods.items.some((p) => p.spec.nodeName === n.name));
  if (!target) throw new Error('no node runs a web pod');
  const feed = await NodeFeed.start(createKubeApi(cluster.plane.adminKubeconfig));
  t.teardown(() => feed.stop());
  return { target, feed, holders: new HolderWatch(feed) };
}
