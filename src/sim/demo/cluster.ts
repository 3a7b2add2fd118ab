// A simulated cluster with the real server in front of it, as the demo and the fleet tests run them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { parseServeConfig } from '../../config/serve.js';
import { startServer, type RunningServer } from '../../server.js';
import type { FleetMember } from '../fleet/fleet.js';
import { REBOOT_MANAGER_USER, loopbackAddress, machineIdFor, makeNode, startKubeSim, type KubeSim, type KubeSimOptions } from '../kube/index.js';

export interface SimClusterOptions {
  readonly nodes: number;
  /** Both the cluster-wide cap and the slots of the `default` group. */
  readonly maxRebooting: number;
  /** Images per Node: 50 makes a Node as large as a real one; the demo needs none. */
  readonly imageCount?: number;
  readonly logger?: Logger;
  /** Simulated seconds per real second: the health gate's minute of Ready after a reboot shrinks with it. */
  readonly timeScale?: number;
  /** The simulator's grace periods and controllers (the demo's workloads need them). */
  readonly sim?: KubeSimOptions;
  /** More `serve` flags, after the defaults. */
  readonly flags?: readonly string[];
}

export interface SimCluster {
  readonly sim: KubeSim;
  readonly server: RunningServer;
  readonly members: readonly FleetMember[];
  close(): Promise<void>;
}

export function nodeName(i: number): string {
  return `node-${i + 1}`;
}

/**
 * Starts the Kubernetes simulator with `nodes` Ready Nodes, then the real server on 127.0.0.1
 * with the reboot-manager service account's kubeconfig, so the simulator enforces our RBAC.
 */
export async function startSimCluster(opts: SimClusterOptions): Promise<SimCluster> {
  const sim = await startKubeSim(opts.sim);
  const dir = await mkdtemp(join(tmpdir(), 'reboot-manager-sim-'));
  let server: RunningServer | undefined;
  try {
    const members = Array.from({ length: opts.nodes }, (_, i) => ({ name: nodeName(i), machineId: machineIdFor(i), address: loopbackAddress(i + 1) }));
    for (const m of members) sim.store.createNode(makeNode({ name: m.name, machineID: m.machineId, address: m.address, imageCount: opts.imageCount ?? 0 }));
    const kubeconfig = join(dir, 'kubeconfig');
    await sim.writeKubeconfig(kubeconfig, REBOOT_MANAGER_USER);
    const slots = String(opts.maxRebooting);
    const config = parseServeConfig(
      ['--kubeconfig', kubeconfig, '--listen', '127.0.0.1:0', '--internal-listen', '127.0.0.1:0', '--max-rebooting', slots, '--slots-per-group', slots, '--identity', 'reboot-manager-sim', '--log-level', 'warn', '--health-gate-node-ready', `${Math.ceil(60_000 / (opts.timeScale ?? 1))}ms`, ...(opts.flags ?? [])],
      {},
    );
    server = await startServer(config, { logger: opts.logger ?? pino({ level: 'warn' }, pino.destination(2)) });
    await server.whenServing();
    const running = server;
    return {
      sim,
      server: running,
      members,
      async close() {
        await running.close();
        await sim.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await server?.close();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
