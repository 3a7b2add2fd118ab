// A requester on one node, as an admin or a firmware tool works with MaintenanceRequests: it writes one, waits for
// the approval, reboots the machine, says Completed. Drawn from a stream of its own, like the policy.
import type { VirtualClock } from '../../clock/virtual-clock.js';
import { seededRandom, type Random } from '../fleet/random.js';
import type { World } from './world.js';

const LOOK_EVERY_MS = 5_000;
const TERMINAL = new Set(['Completed', 'Expired', 'Rejected']);

interface RequestObject {
  metadata: { name?: string };
  spec: Record<string, unknown>;
  status?: { phase?: string };
}

export class Requester {
  /** The request reached an end (Completed, Expired, Rejected): no more is asked of the cluster. */
  done = false;
  private state: 'waiting' | 'working' | 'finished' = 'waiting';
  private readonly name: string;

  private constructor(
    private readonly clock: VirtualClock,
    private readonly random: Random,
    private readonly world: World,
    readonly node: string,
    private readonly onApproved: (node: string) => void,
  ) {
    this.name = `dst-${node}`;
  }

  /** For a third of the seeds, a request for one node at a time drawn within the fault window; else none. */
  static draw(seed: number, clock: VirtualClock, world: World, windowMs: number, onApproved: (node: string) => void): Requester | undefined {
    const random = seededRandom(seed ^ 0x0be5_7a11);
    if (random() >= 1 / 3 || world.machines.length === 0) return undefined;
    const node = world.machines[Math.floor(random() * world.machines.length)]?.name ?? 'node-1';
    const requester = new Requester(clock, random, world, node, onApproved);
    clock.setTimer(random() * windowMs, () => requester.create());
    return requester;
  }

  /** One line for a report on a request never finished. */
  describe(): string {
    return `MaintenanceRequest ${this.name} for ${this.node}: ${this.current()?.status?.phase ?? 'not written'} (${this.state})`;
  }

  private create(): void {
    const store = this.world.cluster.store;
    const spec = { nodeName: this.node, reason: 'replace disk sdb', requester: 'dst' };
    store.create('maintenancerequests', { apiVersion: 'rebootmanager.io/v1alpha1', kind: 'MaintenanceRequest', metadata: { name: this.name }, spec });
    this.look();
  }

  private current(): RequestObject | undefined {
    return this.world.cluster.store.get('maintenancerequests', undefined, this.name) as RequestObject | undefined;
  }

  /** Polls the request as `kubectl wait` would; acts on the approval once. */
  private look(): void {
    const r = this.current();
    const phase = r?.status?.phase ?? '';
    if (TERMINAL.has(phase)) {
      this.done = true;
      return;
    }
    if (phase === 'Approved' && this.state === 'waiting' && r) {
      this.state = 'working';
      this.onApproved(this.node);
      this.setState(r, 'InProgress');
      this.world.reboot(this.node, this.random, () => {
        const now = this.current();
        if (now) this.setState(now, 'Completed');
        this.state = 'finished';
      });
    }
    this.clock.setTimer(LOOK_EVERY_MS, () => this.look());
  }

  private setState(r: RequestObject, state: 'InProgress' | 'Completed'): void {
    this.world.cluster.store.update('maintenancerequests', { ...r, spec: { ...r.spec, state } });
  }
}
