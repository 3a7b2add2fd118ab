// Counts reboot-slot holders from the simulator's change stream: every write is seen, so the maxima are exact.
import { Annotation, STATUS_REBOOTING } from '../../slot/encoding.js';
import type { KubeObject, SimStore } from '../kube/index.js';

export function holdsSlot(node: KubeObject | undefined): boolean {
  return node?.metadata.annotations?.[Annotation.status] === STATUS_REBOOTING;
}

export interface HolderWatchOptions {
  /** The server's --urgent-groups: their holders may take the cluster over its budget. */
  readonly urgentGroups?: ReadonlySet<string>;
}

/** Tracks which Nodes hold a slot (`rebootmanager/status: Rebooting`), in which group, and the most at any instant. */
export class HolderWatch {
  /** Holder name -> the group its slot was taken in. */
  private readonly holders = new Map<string, string>();
  private maxSeen = 0;
  private maxNonUrgentSeen = 0;
  private maxWithoutUrgentSeen = 0;
  private readonly urgentGroups: ReadonlySet<string>;
  private readonly off: () => void;

  constructor(store: Pick<SimStore, 'onChange' | 'listNodes'>, opts: HolderWatchOptions = {}) {
    this.urgentGroups = opts.urgentGroups ?? new Set();
    for (const node of store.listNodes()) this.note(node.metadata.name ?? '', node);
    this.off = store.onChange((change) => {
      if (change.resource !== 'nodes') return;
      this.note(change.object.metadata.name ?? '', change.type === 'DELETED' ? undefined : change.object);
    });
  }

  /** Names of the current holders, sorted. */
  get current(): string[] {
    return [...this.holders.keys()].sort();
  }

  /** The most nodes that held a slot at once since the watch began. */
  get max(): number {
    return this.maxSeen;
  }

  /** The most holders in groups that are not urgent at once: the budget bounds these always. */
  get maxNonUrgent(): number {
    return this.maxNonUrgentSeen;
  }

  /** The most holders at an instant with no urgent holder: only urgent holders may take the total over the budget. */
  get maxWithoutUrgent(): number {
    return this.maxWithoutUrgentSeen;
  }

  stop(): void {
    this.off();
  }

  private note(name: string, node: KubeObject | undefined): void {
    if (holdsSlot(node)) this.holders.set(name, node?.metadata.annotations?.[Annotation.group] ?? '');
    else this.holders.delete(name);
    const urgent = [...this.holders.values()].filter((g) => this.urgentGroups.has(g)).length;
    this.maxSeen = Math.max(this.maxSeen, this.holders.size);
    this.maxNonUrgentSeen = Math.max(this.maxNonUrgentSeen, this.holders.size - urgent);
    if (urgent === 0) this.maxWithoutUrgentSeen = Math.max(this.maxWithoutUrgentSeen, this.holders.size);
  }
}
