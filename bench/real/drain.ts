// The drain scenario on the real control plane: 110 pods of 22 Deployments under PodDisruptionBudgets on one kwok node.
import type { AdminClient } from '../../kit/admin-client.js';
import { total, type AuditLog, type Calls } from './audit.js';

export const DRAIN_PODS = 110;
const APPS = 22;
const NS = 'bench';
/** Grace periods spread from 1 s to Kubernetes' default 30 s across the apps: real seconds, not scaled. */
export const graceOf = (app: number): number => 1 + Math.round((app * 29) / (APPS - 1));

/** 22 Deployments of 5 pods pinned to the node, each under a budget allowing what one node holds, as the simulator bench. */
export async function deployDrainWorkload(admin: AdminClient, node: string): Promise<void> {
  await admin.ok('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  const replicas = DRAIN_PODS / APPS;
  for (let a = 0; a < APPS; a++) {
    const app = `app-${a}`;
    await admin.ok('POST', `/apis/apps/v1/namespaces/${NS}/deployments`, {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: app },
      spec: {
        replicas, selector: { matchLabels: { app } },
        template: {
          metadata: { labels: { app } },
          spec: {
            // Pinned: replacements stay Pending on the cordoned node instead of landing on Nodes no kubelet plays.
            nodeSelector: { 'kubernetes.io/hostname': node },
            terminationGracePeriodSeconds: graceOf(a),
            containers: [{ name: 'app', image: `registry.example.com/${app}:1`, resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
          },
        },
      },
    });
    await admin.ok('POST', `/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets`, {
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: app },
      spec: { maxUnavailable: replicas, selector: { matchLabels: { app } } },
    });
  }
}

interface PodList {
  items: { status?: { phase?: string; conditions?: { type: string; status: string }[] } }[];
}
interface PdbList {
  items: { metadata: { generation?: number }; status?: { observedGeneration?: number; disruptionsAllowed?: number } }[];
}

/** Every pod Running and Ready on the node, and every budget computed by the disruption controller. */
export async function drainWorkloadReady(admin: AdminClient, node: string): Promise<boolean> {
  const pods = await admin.ok<PodList>('GET', `/api/v1/namespaces/${NS}/pods?fieldSelector=spec.nodeName%3D${node}`);
  const ready = pods.items.filter((p) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  const pdbs = await admin.ok<PdbList>('GET', `/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets`);
  const computed = pdbs.items.length === APPS && pdbs.items.every((p) => p.status?.observedGeneration === p.metadata.generation && (p.status?.disruptionsAllowed ?? 0) > 0);
  return ready.length === DRAIN_PODS && computed;
}

export interface RealDrainResult {
  /** From the first pre-reboot to the 200. */
  readonly wallMs: number;
  /** The first pre-reboot's answer: the claim, behind the new leader's relist of every Node. */
  readonly firstAnswerMs: number;
  /** Node list pages read during the drain: the fence's relist on the first decision after taking leadership. */
  readonly nodeListCalls: number;
  readonly longestGraceMs: number;
  readonly apiCallsPerPod: number;
  readonly calls: Calls;
}

interface NodeView {
  metadata: { annotations?: Record<string, string> };
}

/**
 * From the first pre-reboot to the 200: asks once, waits for the drained mark (read as the admin, so it is
 * not counted), then asks again, as the simulator bench does.
 */
export async function measureDrain(opts: { admin: AdminClient; audit: AuditLog; node: string; preReboot: () => Promise<number> }): Promise<RealDrainResult> {
  const mark = await opts.audit.mark();
  const started = performance.now();
  let status = await opts.preReboot();
  const firstAnswerMs = performance.now() - started;
  while (status !== 200) {
    for (;;) {
      const node = await opts.admin.ok<NodeView>('GET', `/api/v1/nodes/${opts.node}`);
      if (node.metadata.annotations?.['rebootmanager/drain']?.startsWith('drained')) break;
      await new Promise((resolve) => setTimeout(resolve, 100)); // the admin's poll, a tenth of a second of resolution
    }
    status = await opts.preReboot();
  }
  const wallMs = performance.now() - started;
  const calls = await opts.audit.since(mark);
  // As the simulator bench: the leader's Lease renewals and Events are not the drain's work.
  const drainCalls = total(calls, (key) => key.includes(' leases') || key.includes(' events'));
  return { wallMs, firstAnswerMs, nodeListCalls: calls['list nodes'] ?? 0, longestGraceMs: graceOf(APPS - 1) * 1000, apiCallsPerPod: drainCalls / DRAIN_PODS, calls };
}
