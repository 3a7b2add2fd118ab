// The real cluster the bench runs against: the kit's control plane, the shipped manifests, thousands of Nodes.
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControlPlane, type ControlPlane } from '../../kit/control-plane.js';
import { createNodes, type FakeNode } from '../../kit/nodes.js';
import { AuditLog, auditFlags } from './audit.js';

export const NAMESPACE = 'reboot-manager';
export const PRODUCT_USER = `system:serviceaccount:${NAMESPACE}:reboot-manager`;
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export interface BenchCluster {
  readonly plane: ControlPlane;
  /** Ready Nodes no kubelet (and no kwok) plays: the fleet asking for slots. */
  readonly fleet: readonly FakeNode[];
  /** The one Node kwok plays, whose pods the drain evicts. */
  readonly drainNode: FakeNode;
  /** Authenticated as the reboot-manager ServiceAccount (TokenRequest): the shipped RBAC decides every call. */
  readonly productKubeconfig: string;
  /** Every request the product's ServiceAccount made, counted by the API server. */
  readonly audit: AuditLog;
  readonly createSeconds: number;
  stop(): Promise<void>;
}

const say = (text: string): void => void process.stderr.write(`bench: ${text}\n`);

export async function startBenchCluster(nodes: number): Promise<BenchCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'reboot-manager-bench-real-'));
  const { flags, logPath } = await auditFlags(dir, PRODUCT_USER);
  say('starting etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok');
  const plane = await startControlPlane({
    // Its not-ready taint on every new Node would take the node lifecycle controller minutes to lift from
    // 5,000 (20 writes/s): register them as they are once their kubelet is up, Ready and untainted.
    apiserverArgs: [...flags, '--disable-admission-plugins=TaintNodesByCondition'],
    // Nobody heartbeats the fleet's Nodes (5,000 kwok heartbeats would take both cores): keep them Ready anyway.
    controllerManagerArgs: ['--node-monitor-grace-period=24h'],
  });
  try {
    await plane.kubectl(['apply', '-k', `${REPO}kubernetes/base`]);
    // The server under test runs as a process here, not as the Deployment's pod.
    await plane.kubectl(['-n', NAMESPACE, 'scale', 'deployment/reboot-manager', '--replicas=0']);
    say(`creating ${nodes - 1} Ready Nodes (~50 images each) and one kwok node`);
    const started = performance.now();
    const names = Array.from({ length: nodes - 1 }, (_, i) => `node-${String(i + 1).padStart(4, '0')}`);
    const fleet = await createNodes(plane.admin, names, { kwok: false, ready: true, concurrency: 16, oneRequest: true, externalIP: '127.0.0.1' });
    const [drainNode] = await createNodes(plane.admin, ['drain-node'], { index: nodes, externalIP: '127.0.0.1' });
    if (!drainNode) throw new Error('no drain node');
    const createSeconds = (performance.now() - started) / 1000;
    // Kept in the bench's own folder: the kit's folder in /tmp is shared ground on a busy machine.
    const productKubeconfig = join(dir, 'reboot-manager.kubeconfig');
    await copyFile(await plane.serviceAccountKubeconfig(NAMESPACE, 'reboot-manager', 6 * 3600), productKubeconfig);
    return { plane, fleet, drainNode, productKubeconfig, audit: new AuditLog(logPath), createSeconds, stop: async () => {
      await plane.stop();
      await rm(dir, { recursive: true, force: true });
    } };
  } catch (err) {
    await plane.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
