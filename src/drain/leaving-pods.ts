import { podKey, type PodView } from '../kube/pod-view.js';
import type { DrainProgress } from '../slot/slot.js';
import { mustLeave, type UnmanagedPodPolicy } from './classify.js';
import type { Blocker } from './pod-removal.js';

/** A pod that has to leave the node, followed until it is gone (deleted, or replaced under its name). */
export interface Leaving {
  pod: PodView;
  /** The eviction or deletion under way, aborted once the pod is gone. */
  removal: AbortController | undefined;
  mode: 'evict' | 'delete' | undefined;
  blocker: Blocker | undefined;
}

/** The pods one drain waits for, by uid, and how many have left: the drain's progress as data. */
export class LeavingPods {
  private readonly byUid = new Map<string, Leaving>();

  constructor(
    private readonly policy: UnmanagedPodPolicy,
    private readonly isOwnPod: (pod: PodView) => boolean,
    /** Pods already gone when this drain started (a resumed drain keeps counting). */
    public gone: number,
  ) {}

  get size(): number {
    return this.byUid.size;
  }

  entries(): IterableIterator<Leaving> {
    return this.byUid.values();
  }

  /** Longest grace period first: under the rate and concurrency limits a drain then lasts about its longest, not more. */
  inRemovalOrder(): Leaving[] {
    return [...this.byUid.values()].sort((a, b) => b.pod.graceSeconds - a.pod.graceSeconds);
  }

  /** Follows every pod that must leave; a known pod's view is refreshed. */
  track(pods: readonly PodView[]): void {
    for (const pod of pods) {
      const known = this.byUid.get(pod.uid);
      if (known) known.pod = pod;
      else if (mustLeave(pod, this.policy)) this.byUid.set(pod.uid, { pod, removal: undefined, mode: undefined, blocker: undefined });
    }
  }

  /** Drops the pods that are gone (deleted, replaced under their name, finished), aborting their removal; returns them. */
  sweep(current: (key: string) => PodView | undefined): Leaving[] {
    const left: Leaving[] = [];
    for (const [uid, entry] of this.byUid) {
      const now = current(podKey(entry.pod));
      if (now && now.uid === uid && mustLeave(now, this.policy)) continue;
      entry.removal?.abort(new Error('pod gone'));
      this.byUid.delete(uid);
      this.gone += 1;
      left.push(entry);
    }
    return left;
  }

  /** Whether any pod other than this server's own still has to leave. */
  othersLeft(): boolean {
    return [...this.byUid.values()].some((e) => !this.isOwnPod(e.pod));
  }

  progress(timedOut: DrainProgress['timedOut']): DrainProgress {
    const entries = [...this.byUid.values()];
    return {
      evicted: this.gone,
      total: this.gone + entries.length,
      terminating: entries.filter((e) => e.pod.terminating).length,
      blockers: [...new Set(entries.flatMap((e) => (e.blocker ? [e.blocker.what] : [])))],
      ownPodLast: entries.some((e) => this.isOwnPod(e.pod) && !e.pod.terminating) && entries.some((e) => !this.isOwnPod(e.pod)),
      timedOut,
      done: null,
    };
  }
}
