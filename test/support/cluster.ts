// A simulated cluster with reboot-manager replicas in front of it, for tests over real HTTP.
import { pino, type Logger } from 'pino';
import { Agent } from 'undici';
import type { Test } from 'tap';
import { parseServeConfig } from '../../src/config/serve.js';
import { releaseByHand, type ManualRelease } from '../../src/coordinator/manual-release.js';
import { systemClock } from '../../src/clock/clock.js';
import { createKubeApi } from '../../src/kube/rest-api.js';
import { NodeCache } from '../../src/kube/nodes.js';
import { FleetLockClient, type FleetLockResult } from '../../src/fleetlock/client.js';
import { zincatiId } from '../../src/identity/app-specific-id.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { loopbackAddress, makeNode, machineIdFor } from '../../src/sim/kube/fixtures.js';
import { timeAt } from '../../src/sim/kube/util.js';
import { startKubeSim, type KubeSim, type KubeSimOptions } from '../../src/sim/kube/index.js';

/**
 * The health gate waits a minute of Ready after each release and for evicted pods to come back, which the simulator
 * has no controllers to do: tests about something else turn it off; tests of the gate pass `--health-gate`.
 */
const GATE_OFF = ['--health-gate=false'];

export const SERVICE_ACCOUNT = { serviceAccount: { namespace: 'reboot-manager', name: 'reboot-manager' } } as const;

export interface TestCluster {
  readonly sim: KubeSim;
  readonly kubeconfig: string;
  readonly nodeNames: string[];
  servers: RunningServer[];
  /** Starts one more replica (a restart or a scale-up). */
  startReplica(identity: string): Promise<RunningServer>;
  /** The replica that leads, once it serves. */
  leader(): Promise<RunningServer>;
  /** A FleetLock client for node `name`, as its Zincati would talk from the node's address, against `server` (default: the leader). */
  client(name: string, opts?: { group?: string; server?: RunningServer; raw?: boolean; from?: string }): Promise<FleetLockClient>;
  /** The node's own (loopback) address: its FleetLock calls come from there. */
  addressOf(name: string): string;
  /** A connection pool whose requests come from node `name`'s address (closed at teardown). */
  from(name: string): Agent;
  preReboot(name: string, group?: string): Promise<FleetLockResult>;
  steadyState(name: string, group?: string): Promise<FleetLockResult>;
  /** Names of nodes whose `rebootmanager/status` is `Rebooting`, straight from the simulator. */
  holders(): string[];
  zincatiIdOf(name: string): string;
  /** `reboot-manager release NODE` as an operator runs it, with admin credentials. */
  releaseByHand(name: string): Promise<ManualRelease>;
  machineIdOf(name: string): string;
  /** The kubelet posts the node's status, Ready (its heartbeat), now or at `at` (ms). */
  kubeletReports(name: string, at?: number): void;
}

export interface ClusterOptions {
  readonly nodes?: number;
  readonly replicas?: number;
  /** Extra `serve` flags, e.g. `['--max-rebooting', '2']`. */
  readonly flags?: string[];
  readonly sim?: KubeSimOptions;
  /** The replicas' logger (default: silent); a test that reads the logs passes a capturing one. */
  readonly logger?: Logger;
  /** Fake kubelets: every Ready node posts its status this often (real ms); default never. */
  readonly kubeletHeartbeatMs?: number;
}

export const nodeName = (i: number): string => `node-${String(i).padStart(2, '0')}`;

export async function startCluster(t: Test, opts: ClusterOptions = {}): Promise<TestCluster> {
  const sim = await startKubeSim(opts.sim ?? {});
  t.teardown(() => sim.close());
  const nodeNames: string[] = [];
  const machineIds = new Map<string, string>();
  const addresses = new Map<string, string>();
  for (let i = 1; i <= (opts.nodes ?? 3); i++) {
    const name = nodeName(i);
    machineIds.set(name, machineIdFor(i));
    sim.store.createNode(makeNode({ name, machineID: machineIdFor(i), address: loopbackAddress(i) }));
    addresses.set(name, loopbackAddress(i));
    nodeNames.push(name);
  }
  const kubeconfig = `${t.testdir()}/kubeconfig`;
  await sim.writeKubeconfig(kubeconfig, SERVICE_ACCOUNT);
  const clients: FleetLockClient[] = [];
  const dispatchers: Agent[] = [];
  t.teardown(() => Promise.all([...clients.map((c) => c.close()), ...dispatchers.map((d) => d.close())]));

  const cluster: TestCluster = {
    sim,
    kubeconfig,
    nodeNames,
    servers: [],
    async startReplica(identity) {
      const config = parseServeConfig(['--listen', '127.0.0.1:0', '--internal-listen', '127.0.0.1:0', '--kubeconfig', kubeconfig, '--identity', identity, '--lease-duration', '2s', ...GATE_OFF, ...(opts.flags ?? [])], {});
      const server = await startServer(config, { logger: opts.logger ?? pino({ level: 'silent' }) });
      cluster.servers.push(server);
      t.teardown(() => server.close());
      return server;
    },
    async leader() {
      return Promise.race(cluster.servers.map((s) => s.whenServing().then(() => s)));
    },
    async client(name, o = {}) {
      const server = o.server ?? (await cluster.leader());
      const dispatcher = o.from === undefined ? cluster.from(name) : new Agent({ localAddress: o.from });
      if (o.from !== undefined) dispatchers.push(dispatcher);
      const client = new FleetLockClient({ baseUrl: server.url, id: cluster.zincatiIdOf(name), group: o.group ?? 'default', timeoutMs: 30_000, dispatcher });
      clients.push(client);
      return client;
    },
    from(name) {
      const dispatcher = new Agent({ localAddress: cluster.addressOf(name) });
      dispatchers.push(dispatcher);
      return dispatcher;
    },
    async preReboot(name, group) {
      return (await cluster.client(name, group === undefined ? {} : { group })).preReboot();
    },
    async steadyState(name, group) {
      return (await cluster.client(name, group === undefined ? {} : { group })).steadyState();
    },
    holders() {
      return sim.store
        .listNodes()
        .filter((n) => n.metadata.annotations?.['rebootmanager/status'] === 'Rebooting')
        .map((n) => n.metadata.name ?? '')
        .sort();
    },
    zincatiIdOf: (name) => zincatiId(cluster.machineIdOf(name)),
    async releaseByHand(name) {
      const admin = `${t.testdir()}/admin-kubeconfig`;
      await sim.writeKubeconfig(admin, 'admin');
      return releaseByHand(new NodeCache({ api: createKubeApi(admin), clock: systemClock }), systemClock, undefined, name, 'test operator');
    },
    kubeletReports(name, at = Date.now()) {
      const time = timeAt(at);
      sim.store.updateNode(name, (n) => {
        n.status.conditions = (n.status.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'True', lastHeartbeatTime: time } : c));
      });
    },
    addressOf: (name) => {
      const address = addresses.get(name);
      if (!address) throw new Error(`no node ${name} in this test cluster`);
      return address;
    },
    machineIdOf: (name) => {
      const id = machineIds.get(name);
      if (!id) throw new Error(`no node ${name} in this test cluster`);
      return id;
    },
  };
  // Kubelets last posted a while ago, as on a real cluster: a steady-state is not followed by a post at once.
  for (const name of nodeNames) cluster.kubeletReports(name, Date.now() - 60_000);
  if (opts.kubeletHeartbeatMs) {
    const beat = setInterval(() => {
      for (const node of sim.store.listNodes()) if (node.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) cluster.kubeletReports(node.metadata.name ?? '');
    }, opts.kubeletHeartbeatMs);
    t.teardown(() => clearInterval(beat));
  }
  for (let i = 0; i < (opts.replicas ?? 1); i++) await cluster.startReplica(`replica-${i}`);
  await cluster.leader();
  return cluster;
}
