// In-process IMDS agents for simulated nodes, one per node, each with its node's machine-id, on a shared clock.
import type { Logger } from 'pino';
import type { Clock } from '../../clock/clock.js';
import { parseImdsAgentConfig } from '../../agent/config.js';
import { createImdsAgent, type RunningImdsAgent } from '../../agent/run.js';
import type { SimulatedImds } from '../imds/index.js';

export interface SimAgentsOptions {
  /** FleetLock base URL of the server. */
  readonly serverUrl: string;
  readonly imds: SimulatedImds;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly vmOf: (node: string) => string;
  readonly machineIdOf: (node: string) => string;
  /** The node's address: the agent sends from it, as a hostNetwork agent would (the server checks callers). */
  readonly addressOf?: (node: string) => string | undefined;
  /** Extra `imds-agent` flags (durations are on `clock`'s scale). */
  readonly args?: readonly string[];
}

/** Starts, stops and restarts the agents as their VMs come and go. */
export class SimAgents {
  private readonly running = new Map<string, RunningImdsAgent>();

  constructor(private readonly o: SimAgentsOptions) {}

  /** Starts `node`'s agent (its DaemonSet pod comes up); a running one is kept. */
  async start(node: string): Promise<RunningImdsAgent> {
    const existing = this.running.get(node);
    if (existing) return existing;
    const address = this.o.addressOf?.(node);
    const argv = ['--server', this.o.serverUrl, '--imds-url', this.o.imds.urlFor(this.o.vmOf(node)), ...(address ? ['--source-address', address] : []), ...(this.o.args ?? [])];
    const agent = await createImdsAgent(parseImdsAgentConfig(argv, {}), {
      machineId: this.o.machineIdOf(node),
      clock: this.o.clock,
      logger: this.o.logger.child({ node }),
      imdsBackoffMs: { min: 10, max: 100 },
    });
    this.running.set(node, agent);
    agent.agent.start();
    return agent;
  }

  /** Stops `node`'s agent (its VM goes down or away). */
  async stop(node: string): Promise<void> {
    const agent = this.running.get(node);
    this.running.delete(node);
    await agent?.close();
  }

  get(node: string): RunningImdsAgent | undefined {
    return this.running.get(node);
  }

  nodes(): string[] {
    return [...this.running.keys()].sort();
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes().map((node) => this.stop(node)));
  }
}
