// An agent wired exactly as `reboot-manager imds-agent` wires it, against the simulated IMDS and a fake lock server.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Test } from 'tap';
import type { ImdsAgent } from '../../src/agent/agent.js';
import type { Clock } from '../../src/clock/clock.js';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { parseImdsAgentConfig } from '../../src/agent/config.js';
import { createImdsAgent } from '../../src/agent/run.js';
import { SimulatedImds, type SimulatedImdsOptions } from '../../src/sim/imds/index.js';
import { startFakeFleetLock, type FakeFleetLock } from './fake-fleetlock.js';

export const MACHINE_ID = '1c09ca98649c4c7abc779cd04c96812e';
/** zincatiId(MACHINE_ID), from the protocol notes' test vectors. */
export const ZINCATI_ID = '978a225b3d7b40e9acd7ce9b62f68444';
export const OUR_VM = 'vmss_1';

export type LogLine = Record<string, unknown> & { level: number; msg: string };

/** Time that moves only when the test says so: the virtual clock, started where the agent tests expect. */
export class ManualClock extends VirtualClock {
  constructor() {
    super(1_000_000);
  }
}

export interface AgentRig {
  readonly sim: SimulatedImds;
  readonly lock: FakeFleetLock;
  /** Moves the agent's time unless the rig was given another clock. */
  readonly clock: ManualClock;
  readonly logs: LogLine[];
  readonly machineIdFile: string;
  agent: ImdsAgent;
  id: string;
  /** Where the agent serves GET /metrics, with `serveMetrics`. */
  metricsUrl: string | undefined;
  /** One poll of the agent (and whatever it sends). */
  tick(): Promise<void>;
  /** Stops this agent and starts a fresh one on the same host (same machine-id, same simulators). */
  restart(): Promise<void>;
}

export interface RigOptions {
  readonly args?: readonly string[];
  /** Default: a ManualClock the test advances. */
  readonly clock?: Clock;
  readonly sim?: SimulatedImdsOptions;
  readonly machineIdFileContents?: string;
  /** Serve GET /metrics as the command does (pass `--metrics-listen 127.0.0.1:0` in args). */
  readonly serveMetrics?: boolean;
}

export const RETRY_MS = 5_000;

export async function agentRig(t: Test, options: RigOptions = {}): Promise<AgentRig> {
  const sim = await SimulatedImds.start({ vmName: OUR_VM, ...options.sim });
  t.teardown(() => sim.close());
  const lock = await startFakeFleetLock(t);
  const machineIdFile = join(t.testdir(), 'machine-id');
  writeFileSync(machineIdFile, options.machineIdFileContents ?? `${MACHINE_ID}\n`);
  const logs: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  const clock = new ManualClock();
  // IMDS retries are real time inside one poll: keep them short so an outage fails a poll quickly.
  const argv = ['--server', lock.url, '--imds-url', sim.url, '--machine-id-file', machineIdFile, '--retry-interval', `${RETRY_MS}ms`,
    '--imds-retry-budget', '300ms', '--imds-timeout', '300ms', ...(options.args ?? [])];
  const config = parseImdsAgentConfig(argv, {});
  const build = async () => {
    const running = await createImdsAgent(config, { logger, clock: options.clock ?? clock, imdsBackoffMs: { min: 1, max: 5 }, serveMetrics: options.serveMetrics ?? false });
    t.teardown(() => running.close());
    return running;
  };
  let running = await build();
  const rig: AgentRig = {
    sim,
    lock,
    clock,
    logs,
    machineIdFile,
    agent: running.agent,
    id: running.id,
    metricsUrl: running.metricsUrl,
    tick: () => rig.agent.tick(),
    async restart() {
      await running.close();
      running = await build();
      rig.agent = running.agent;
      rig.id = running.id;
      rig.metricsUrl = running.metricsUrl;
    },
  };
  return rig;
}
