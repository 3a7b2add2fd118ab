// Zincati-like clients and an Azure-like urgent request, asking whichever replica the Service would route to.
import type { VirtualClock } from '../../clock/virtual-clock.js';
import { OK, Refusal, type Answer } from '../../fleetlock/refusal.js';
import { zincatiId } from '../../identity/app-specific-id.js';
import type { Random } from '../fleet/random.js';
import type { Replicas } from './replicas.js';
import type { World } from './world.js';

export type FleetEvent =
  | { readonly type: 'granted'; readonly node: string; readonly group: string }
  | { readonly type: 'rebooted'; readonly node: string }
  | { readonly type: 'done'; readonly node: string };

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const RETRY_MS = 30_000;

export interface Asker {
  readonly node: string;
  readonly group: string;
  /** Wants one reboot, and has had it and given the slot back. */
  done: boolean;
  /** The last refusal, for a report on a node never served. */
  lastRefusal?: string;
}

export class Fleet {
  readonly askers: Asker[] = [];

  constructor(
    private readonly clock: VirtualClock,
    private readonly random: Random,
    private readonly world: World,
    private readonly replicas: Replicas,
    private readonly onEvent: (event: FleetEvent) => void,
  ) {}

  /** `node` wants one reboot in `group`, starting at `atMs`; `abort` says whether it gives up after the grant without rebooting. */
  want(node: string, group: string, atMs: number, abort = false): void {
    const asker: Asker = { node, group, done: false };
    this.askers.push(asker);
    this.clock.setTimer(atMs, () => void this.preReboot(asker, abort));
  }

  private async ask(kind: 'pre' | 'steady', asker: Asker): Promise<Answer | 'unreachable'> {
    // The Service sends to ready endpoints (the leader); with none ready, to any live replica.
    const serving = this.replicas.serving();
    const ready = serving.filter((p) => p.replica.coordinator.readiness().ready);
    const pool = ready.length > 0 ? ready : serving;
    const proc = pool[Math.floor(this.random() * pool.length)];
    if (!proc) return 'unreachable';
    const m = this.world.machine(asker.node);
    const params = { id: zincatiId(m.machineId), group: asker.group };
    if (!(await proc.gate.reachable())) return 'unreachable';
    const answering = kind === 'pre' ? proc.replica.coordinator.preReboot(params, { log: quiet }) : proc.replica.coordinator.steadyState(params, { log: quiet });
    // A process that dies with the request open breaks the connection: the client sees an error and retries.
    const answer = await Promise.race([answering, proc.gate.died()]);
    if (answer === false || !(await proc.gate.reachable())) return 'unreachable';
    return answer;
  }

  private async preReboot(asker: Asker, abort: boolean): Promise<void> {
    const answer = await this.ask('pre', asker);
    if (answer !== OK) {
      asker.lastRefusal = answer instanceof Refusal ? `${answer.kind}: ${answer.value}` : 'unreachable';
      this.clock.setTimer(RETRY_MS * (1 + this.random() * 0.1), () => void this.preReboot(asker, abort));
      return;
    }
    this.onEvent({ type: 'granted', node: asker.node, group: asker.group });
    if (abort) {
      // An admin stops the update; Zincati restarts and reports steady-state on the same boot.
      this.clock.setTimer(this.random() * 20_000, () => void this.steadyState(asker));
      return;
    }
    this.clock.setTimer(this.random() * 10_000, () => {
      this.world.reboot(asker.node, this.random, () => void this.steadyState(asker));
      this.onEvent({ type: 'rebooted', node: asker.node });
    });
  }

  private async steadyState(asker: Asker): Promise<void> {
    const answer = await this.ask('steady', asker);
    if (answer !== OK) {
      this.clock.setTimer(RETRY_MS, () => void this.steadyState(asker));
      return;
    }
    asker.done = true;
    this.onEvent({ type: 'done', node: asker.node });
  }
}
