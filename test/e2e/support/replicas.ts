// reboot-manager serve as processes, authenticated as its ServiceAccount against the e2e cluster.
import { join } from 'node:path';
import type { Test } from 'tap';
import { request } from 'undici';
import { pollUntil } from '../../../kit/poll.js';
import { freePort } from '../../../kit/ports.js';
import { supervise, type SupervisedProcess } from '../../../kit/process.js';
import { NAMESPACE, REPO, type E2eCluster } from './e2e-cluster.js';

export interface Replica {
  readonly identity: string;
  /** The public FleetLock port, without a trailing slash. */
  readonly url: string;
  /** The internal port: status, metrics, probes. */
  readonly internalUrl: string;
  readonly process: SupervisedProcess;
}

/** Short lease, resync and health-gate Ready time so a failover and a release take seconds, not the defaults' minutes. */
export const FAST_ARGS = ['--lease-duration', '4s', '--resync-interval', '2s', '--health-gate-node-ready', '2s', '--eviction-retry-min', '200ms', '--eviction-retry-max', '1s', '--drain-progress-interval', '1s'];

/** `kubeconfig`: another way to the API server than the cluster's product kubeconfig (e.g. through a proxy). */
export async function startReplica(t: Test, cluster: E2eCluster, identity: string, args: readonly string[] = [], opts: { kubeconfig?: string } = {}): Promise<Replica> {
  const [port, internalPort] = [await freePort(), await freePort()];
  const proc = supervise(identity, join(cluster.plane.dir, 'logs', `${identity}.log`), process.execPath, [
    join(REPO, 'dist/src/cli/main.js'), 'serve', '--listen', `127.0.0.1:${port}`, '--internal-listen', `127.0.0.1:${internalPort}`, '--identity', identity, ...FAST_ARGS, ...args,
  ], { env: { ...process.env, KUBECONFIG: opts.kubeconfig ?? cluster.productKubeconfig, REBOOT_MANAGER_NAMESPACE: NAMESPACE } });
  t.teardown(() => proc.stop());
  return { identity, url: `http://127.0.0.1:${port}`, internalUrl: `http://127.0.0.1:${internalPort}`, process: proc };
}

export async function readyz(replica: Replica): Promise<number | undefined> {
  try {
    const res = await request(`${replica.internalUrl}/readyz`);
    await res.body.dump();
    return res.statusCode;
  } catch {
    return undefined; // not listening (yet, or any more)
  }
}

/** The one replica whose /readyz says it leads, once exactly one does. */
export async function leaderOf(replicas: readonly Replica[], timeoutMs = 120_000): Promise<Replica> {
  const what = `a single leader among ${replicas.map((r) => r.identity).join(', ')} (logs: ${replicas.map((r) => r.process.logFile).join(', ')})`;
  return await pollUntil(what, async () => {
    const codes = await Promise.all(replicas.map(readyz));
    const leaders = replicas.filter((_, i) => codes[i] === 200);
    return leaders.length === 1 ? leaders[0] : undefined;
  }, { timeoutMs, intervalMs: 100 });
}
