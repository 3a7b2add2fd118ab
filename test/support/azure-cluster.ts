// The simulated cluster and the real server, plus a simulated IMDS and in-process agents: one per node, with its machine-id.
import { pino } from 'pino';
import type { Test } from 'tap';
import type { AgentStatus, ImdsAgent } from '../../src/agent/agent.js';
import { parseImdsAgentConfig } from '../../src/agent/config.js';
import { createImdsAgent, type RunningImdsAgent } from '../../src/agent/run.js';
import { Annotation } from '../../src/slot/encoding.js';
import { SimulatedImds } from '../../src/sim/imds/index.js';
import type { NodeObject } from '../../src/sim/kube/index.js';
import { startDrainCluster } from './drain-cluster.js';
import type { ClusterOptions, TestCluster } from './cluster.js';

/** Agent loop timing for tests: poll often, ask again soon (IMDS and the server are on loopback). */
export const FAST_AGENT = ['--poll-interval', '200ms', '--retry-interval', '100ms', '--imds-timeout', '2s', '--imds-retry-budget', '1s', '--server-timeout', '10s'];

const WAIT_MS = 20_000;

export interface AzureCluster {
  readonly c: TestCluster;
  readonly imds: SimulatedImds;
  /** The VM name (`compute.name`) of a node: node-01 is vmss_1, node-10 is vmss_10. */
  vmOf(node: string): string;
  /** Starts the agent of `node`'s VM, as its DaemonSet pod would run it; closed at the end of the test. */
  startAgent(node: string, args?: readonly string[]): Promise<RunningImdsAgent>;
  node(name: string): NodeObject;
  holds(name: string): boolean;
  /** Cordoned, and by reboot-manager. */
  cordonedByUs(name: string): boolean;
  annotation(name: string, key: string): string | undefined;
  /** The VM reboots: new bootID, NotReady, then Ready again (the kubelet is back). */
  rebootVm(name: string): void;
  /** Resolves once the node no longer holds a slot. */
  released(name: string): Promise<void>;
}

export interface AzureClusterOptions extends Omit<ClusterOptions, 'sim'> {
  /** Simulated IMDS: first scheduled-events call delay (the real one can take minutes). */
  readonly firstCallDelayMs?: number;
}

export async function startAzureCluster(t: Test, opts: AzureClusterOptions = {}): Promise<AzureCluster> {
  // The drain test cluster: replacements of evicted pods turn Ready only when the test says so.
  const { firstCallDelayMs: _delay, ...clusterOpts } = opts;
  const c = await startDrainCluster(t, { kubeletHeartbeatMs: 100, ...clusterOpts });
  const imds = await SimulatedImds.start({ vmName: 'vmss_0', vmScaleSetName: 'vmss', ...(opts.firstCallDelayMs ? { firstCallDelayMs: opts.firstCallDelayMs } : {}) });
  t.teardown(() => imds.close());
  const leader = await c.leader();
  const node = (name: string): NodeObject => {
    const n = c.sim.store.getNode(name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  };
  const annotation = (name: string, key: string): string | undefined => c.sim.store.getNode(name)?.metadata.annotations?.[key];
  const az: AzureCluster = {
    c,
    imds,
    vmOf: (name) => `vmss_${Number(name.replace(/^node-/, ''))}`,
    async startAgent(name, args = []) {
      const argv = ['--server', leader.url, '--imds-url', imds.urlFor(az.vmOf(name)), '--source-address', c.addressOf(name), ...FAST_AGENT, ...args];
      const running = await createImdsAgent(parseImdsAgentConfig(argv, {}), { machineId: c.machineIdOf(name), logger: pino({ level: 'silent' }), imdsBackoffMs: { min: 10, max: 50 } });
      t.teardown(() => running.close());
      running.agent.start();
      return running;
    },
    node,
    holds: (name) => annotation(name, Annotation.status) === 'Rebooting',
    cordonedByUs: (name) => node(name).spec.unschedulable === true && annotation(name, Annotation.cordoned) === 'true',
    annotation,
    rebootVm(name) {
      c.sim.store.rebootNode(name);
      c.sim.store.setNodeReady(name, true);
    },
    released: (name) => c.sim.store.waitFor(() => !az.holds(name), { timeoutMs: WAIT_MS, description: `${name} released` }).then(() => undefined),
  };
  return az;
}

/** Resolves with the agent's status once `predicate` holds, checked after every poll of the agent. */
export function agentReaches(agent: ImdsAgent, predicate: (status: AgentStatus) => boolean, what: string, timeoutMs = WAIT_MS): Promise<AgentStatus> {
  if (predicate(agent.status())) return Promise.resolve(agent.status());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`agent: gave up waiting for ${what}; status ${JSON.stringify(agent.status())}`));
    }, timeoutMs);
    const off = agent.subscribe((status) => {
      if (!predicate(status)) return;
      clearTimeout(timer);
      off();
      resolve(status);
    });
  });
}

/** Zincati on `name` asks until granted: the claim, then 200 once the server has drained the node. */
export async function zincatiGranted(az: AzureCluster, name: string, group = 'default'): Promise<void> {
  const first = await az.c.preReboot(name, group);
  if (first.ok) return;
  if (first.kind !== 'draining') throw new Error(`pre-reboot of ${name} refused: ${first.status} ${first.kind}: ${first.value}`);
  await az.c.sim.store.waitFor(() => az.annotation(name, Annotation.phase) === 'drained', { timeoutMs: WAIT_MS, description: `${name} drained` });
  const again = await az.c.preReboot(name, group);
  if (!again.ok) throw new Error(`pre-reboot of drained ${name} refused: ${again.status} ${again.kind}: ${again.value}`);
}
