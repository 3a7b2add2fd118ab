// Counts reboot-slot holders from the simulator's change stream: every write is seen, so the maximum is exact.
import { Annotation, STATUS_REBOOTING } from '../../kube/annotations.js';
import type { KubeObject, SimStore } from '../kube/index.js';

export function holdsSlot(node: KubeObject | undefined): boolean {
  return node?.metadata.annotations?.[Annotation.status] === STATUS_REBOOTING;
}

/** Tracks which Nodes hold a slot (`rebootmanager/status: Rebooting`) and the most at any instant. */
export class HolderWatch {
  private readonly holders = new Set<string>();
  private maxSeen = 0;
  private readonly off: () => void;

  constructor(store: Pick<SimStore, 'onChange' | 'listNodes'>) {
    for (const node of store.listNodes()) this.note(node.metadata.name ?? '', holdsSlot(node));
    this.off = store.onChange((change) => {
      if (change.resource !== 'nodes') return;
      this.note(change.object.metadata.name ?? '', change.type !== 'DELETED' && holdsSlot(change.object));
    });
  }

  /** Names of the current holders, sorted. */
  get current(): string[] {
    return [...this.holders].sort();
  }

  /** The most nodes that held a slot at once since the watch began. */
  get max(): number {
    return this.maxSeen;
  }

  stop(): void {
    this.off();
  }

  private note(name: string, holds: boolean): void {
    if (holds) this.holders.add(name);
    else this.holders.delete(name);
    this.maxSeen = Math.max(this.maxSeen, this.holders.size);
  }
}
