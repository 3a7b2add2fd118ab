// Applications under PodDisruptionBudgets, as the real controllers run them: a Deployment and a StatefulSet.
import type { AdminClient } from '../../../kit/admin-client.js';

export const APP_NAMESPACE = 'shop';

const podSpec = (image: string) => ({
  terminationGracePeriodSeconds: 1,
  containers: [{ name: 'app', image, resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
});

export interface Workloads {
  readonly web: number;
  readonly db: number;
}

/** web: a Deployment under maxUnavailable 1; db: a StatefulSet under minAvailable replicas-1. */
export async function deployWorkloads(admin: AdminClient, sizes: Workloads = { web: 6, db: 3 }): Promise<void> {
  const ns = APP_NAMESPACE;
  await admin.ok('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await admin.ok('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
    spec: { replicas: sizes.web, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: podSpec('registry.example.com/web:1') } },
  });
  await admin.ok('POST', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' },
    spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } },
  });
  await admin.ok('POST', `/api/v1/namespaces/${ns}/services`, {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' },
    spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] },
  });
  await admin.ok('POST', `/apis/apps/v1/namespaces/${ns}/statefulsets`, {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' },
    spec: { replicas: sizes.db, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: podSpec('registry.example.com/db:1') } },
  });
  await admin.ok('POST', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db' },
    spec: { minAvailable: sizes.db - 1, selector: { matchLabels: { app: 'db' } } },
  });
}

interface Rollout {
  spec?: { replicas?: number };
  status?: { readyReplicas?: number; availableReplicas?: number; updatedReplicas?: number };
}

interface Pdb {
  metadata: { generation?: number };
  status?: { observedGeneration?: number; currentHealthy?: number; desiredHealthy?: number };
}

/** Every replica Ready and both budgets computed by the disruption controller. */
export async function workloadsHealthy(admin: AdminClient): Promise<boolean> {
  const ns = APP_NAMESPACE;
  const web = await admin.ok<Rollout>('GET', `/apis/apps/v1/namespaces/${ns}/deployments/web`);
  const db = await admin.ok<Rollout>('GET', `/apis/apps/v1/namespaces/${ns}/statefulsets/db`);
  const pdbs = await admin.ok<{ items: Pdb[] }>('GET', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`);
  const full = (r: Rollout): boolean => (r.status?.readyReplicas ?? 0) === r.spec?.replicas;
  const computed = pdbs.items.every((p) => p.status?.observedGeneration === p.metadata.generation && (p.status?.currentHealthy ?? 0) >= (p.status?.desiredHealthy ?? 1));
  return full(web) && full(db) && computed;
}

interface PodItem {
  metadata: { name: string; namespace: string; ownerReferences?: { kind: string; controller?: boolean }[] };
  status?: { phase?: string };
}

/** Pods bound to the node that a drain must have removed (not DaemonSet, mirror or finished pods). */
export async function podsThatMustLeave(admin: AdminClient, node: string): Promise<string[]> {
  const pods = await admin.ok<{ items: PodItem[] }>('GET', `/api/v1/pods?fieldSelector=spec.nodeName%3D${node}`);
  return pods.items
    .filter((p) => !p.metadata.ownerReferences?.some((o) => o.controller && o.kind === 'DaemonSet'))
    .filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
    .map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
}
