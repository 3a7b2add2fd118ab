// A fleet of simulated Zincati agents with seeded randomness, and a record of what each one went through.
import type { FleetLockResult } from '../../fleetlock/client.js';
import { between, seededRandom, type Random } from './random.js';
import { ZincatiAgent, type AgentEvent, type NodeHost } from './zincati-agent.js';

export interface FleetMember {
  readonly name: string;
  readonly machineId: string;
  /** The node's address (a loopback one in simulations): its Zincati's requests come from there. */
  readonly address?: string;
}

export interface FleetOptions {
  readonly baseUrl: string;
  readonly host: NodeHost;
  readonly members: readonly FleetMember[];
  readonly timeScale: number;
  readonly seed?: number;
  readonly group?: string;
  /** Simulated ms; see ZincatiAgentOptions. */
  readonly tickMs?: number;
  readonly bootMs?: number;
  /** Default: each node draws 0.5-1.5 x bootMs, so some report steady-state before their kubelet is Ready. */
  readonly kubeletReadyMs?: number | 'manual';
  readonly onEvent?: (event: AgentEvent) => void;
}

/** What happened to one node; times are real ms since the fleet started. */
export interface NodeReport {
  readonly node: string;
  readonly id: string;
  stagedAt?: number;
  grantedAt?: number;
  rebootedAt?: number;
  zincatiBackAt?: number;
  kubeletReadyAt?: number;
  /** The first 2xx steady-state after the reboot. */
  steadyAfterRebootAt?: number;
  preRebootRequests: number;
  /** Expected refusals (slot taken, draining) by kind. */
  refusals: Record<string, number>;
  /** Anything else: network failures, 4xx/5xx other than 423, agent errors. */
  errors: string[];
}

export interface FleetReport {
  readonly nodes: readonly NodeReport[];
  readonly errors: number;
}

/** Refusals a healthy rollout produces: someone else holds the slot, or this node is draining. */
const EXPECTED_REFUSALS = new Set(['slots_full', 'blocked', 'draining']);

export class Fleet {
  readonly agents: readonly ZincatiAgent[];
  private readonly reports = new Map<string, NodeReport>();
  private readonly startedAt = performance.now();
  private readonly checks = new Set<() => void>();

  constructor(private readonly opts: FleetOptions) {
    const seeds = seededRandom(opts.seed ?? 1);
    const bootMs = opts.bootMs ?? 60_000;
    this.agents = opts.members.map((member) => {
      const random: Random = seededRandom(Math.floor(seeds() * 2 ** 32));
      const agent = new ZincatiAgent({
        node: member.name,
        machineId: member.machineId,
        baseUrl: opts.baseUrl,
        ...(member.address ? { sourceAddress: member.address } : {}),
        host: opts.host,
        timeScale: opts.timeScale,
        random,
        bootMs,
        kubeletReadyMs: opts.kubeletReadyMs ?? between(random, 0.5, 1.5) * bootMs,
        onEvent: (event) => this.record(event),
        ...(opts.group ? { group: opts.group } : {}),
        ...(opts.tickMs !== undefined ? { tickMs: opts.tickMs } : {}),
      });
      this.reports.set(member.name, { node: member.name, id: agent.id, preRebootRequests: 0, refusals: {}, errors: [] });
      return agent;
    });
  }

  /** Every agent starts on the current boot (and reports steady-state). */
  start(): void {
    for (const agent of this.agents) agent.start();
  }

  /** Stages an update on the named nodes (default: all). */
  stageUpdates(names?: readonly string[]): void {
    for (const agent of this.agents) {
      if (names && !names.includes(agent.node)) continue;
      this.mutable(agent.node).stagedAt = this.elapsed();
      agent.stageUpdate();
    }
  }

  /** Resolves once every node with a staged update has rebooted and reported steady-state since. */
  whenUpdated(): Promise<FleetReport> {
    const done = (): boolean => [...this.reports.values()].every((r) => r.stagedAt === undefined || r.steadyAfterRebootAt !== undefined);
    return new Promise((resolve) => {
      const check = (): void => {
        if (!done()) return;
        this.checks.delete(check);
        resolve(this.report());
      };
      this.checks.add(check);
      check();
    });
  }

  report(): FleetReport {
    const nodes = [...this.reports.values()].map((r) => ({ ...r, refusals: { ...r.refusals }, errors: [...r.errors] }));
    return { nodes, errors: nodes.reduce((sum, r) => sum + r.errors.length, 0) };
  }

  async stop(): Promise<void> {
    await Promise.all(this.agents.map((agent) => agent.stop()));
  }

  private record(event: AgentEvent): void {
    const r = this.mutable(event.node);
    const now = this.elapsed();
    switch (event.type) {
      case 'pre-reboot':
        r.preRebootRequests += 1;
        if (event.result.ok) r.grantedAt = now;
        else this.refused(r, event.result);
        break;
      case 'steady-state':
        if (event.result.ok && event.boot > 0) r.steadyAfterRebootAt ??= now;
        if (!event.result.ok) this.refused(r, event.result);
        break;
      case 'rebooting':
        r.rebootedAt = now;
        break;
      case 'zincati-started':
        r.zincatiBackAt = now;
        break;
      case 'kubelet-ready':
        r.kubeletReadyAt = now;
        break;
      case 'error':
        r.errors.push(event.message);
        break;
    }
    this.opts.onEvent?.(event);
    for (const check of [...this.checks]) check();
  }

  private refused(r: NodeReport, result: Extract<FleetLockResult, { ok: false }>): void {
    if (EXPECTED_REFUSALS.has(result.kind)) r.refusals[result.kind] = (r.refusals[result.kind] ?? 0) + 1;
    else r.errors.push(`${result.status} ${result.kind}: ${result.value}`);
  }

  private mutable(node: string): NodeReport {
    const r = this.reports.get(node);
    if (!r) throw new Error(`no simulated agent for node ${node}`);
    return r;
  }

  private elapsed(): number {
    return Math.round(performance.now() - this.startedAt);
  }
}
