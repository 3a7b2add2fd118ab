// reboot-manager replicas in one process: each with its own faults, its own view of time, and a body that can crash, pause or shut down.
import { pino } from 'pino';
import type { VirtualClock } from '../../clock/virtual-clock.js';
import { parseServeConfig } from '../../config/serve.js';
import { startReplica, type Replica } from '../../server.js';
import type { Random } from '../fleet/random.js';
import type { ApiFaults, MemoryCluster } from '../kube/memory-api.js';
import { gatedApi } from './gated-api.js';
import { gatedClock, ProcessGate } from './replica-clock.js';

export interface ReplicaProcess {
  readonly identity: string;
  readonly gate: ProcessGate;
  readonly replica: Replica;
  /** A graceful stop is under way or done: the Lease was handed back. */
  stopping: boolean;
}

const silent = pino({ level: 'silent' });

export interface ReplicaSetOptions {
  readonly clock: VirtualClock;
  readonly random: Random;
  readonly cluster: MemoryCluster;
  readonly flags: readonly string[];
  /** The faults a newly started replica's API view suffers. */
  readonly faults: (identity: string) => ApiFaults;
  /** Receives the replicas' info log lines (a replay shows them); default: none. */
  readonly logLine?: (identity: string, line: Record<string, unknown>) => void;
}

export class Replicas {
  private readonly procs = new Map<string, ReplicaProcess>();

  constructor(private readonly o: ReplicaSetOptions) {}

  /** Starts (or restarts) the replica with this identity, as a fresh process reading everything from the API. */
  start(identity: string): ReplicaProcess {
    const { clock, random, cluster } = this.o;
    const gate = new ProcessGate();
    const api = gatedApi(cluster.api({ faults: this.o.faults(identity), origin: `memory://${identity}` }), gate);
    const config = parseServeConfig(['--identity', identity, '--lease-duration', '15s', '--resync-interval', '30s', ...this.o.flags], {});
    const onLine = this.o.logLine;
    const logger = onLine ? pino({ level: 'info', base: null, timestamp: false }, { write: (line: string) => onLine(identity, JSON.parse(line) as Record<string, unknown>) }) : silent;
    const replica = startReplica(config, { logger, api, clock: gatedClock(clock, gate), random });
    const proc: ReplicaProcess = { identity, gate, replica, stopping: false };
    this.procs.set(identity, proc);
    return proc;
  }

  all(): ReplicaProcess[] {
    return [...this.procs.values()];
  }

  /** Alive and not shutting down: the Service may send requests there. */
  serving(): ReplicaProcess[] {
    return this.all().filter((p) => p.gate.state !== 'dead' && !p.stopping);
  }

  crash(identity: string): void {
    const proc = this.procs.get(identity);
    if (!proc || proc.gate.state === 'dead') return;
    proc.replica.halt();
    proc.gate.kill();
  }

  /** SIGTERM: hands the Lease back while requests may still be in flight; the process ends soon after. */
  shutDown(identity: string): void {
    const proc = this.procs.get(identity);
    if (!proc || proc.gate.state !== 'running' || proc.stopping) return;
    proc.stopping = true;
    void proc.replica.close().finally(() => proc.gate.kill());
  }

  pause(identity: string): void {
    this.procs.get(identity)?.gate.pause();
  }

  resume(identity: string): void {
    this.procs.get(identity)?.gate.resume();
  }

  stopAll(): void {
    for (const proc of this.procs.values()) {
      if (proc.gate.state !== 'dead') proc.replica.halt();
      proc.gate.kill();
    }
  }
}
