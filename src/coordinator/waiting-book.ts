// Who waits for a slot, kept on the Nodes: the leader counts refusals in memory and writes a node's wait when it
// begins, when its reason changes, and at most every REWRITE_MS otherwise, off the request path.
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { Refusal } from '../fleetlock/refusal.js';
import type { NodeCache } from '../kube/nodes.js';
import type { NodeView } from '../kube/node-view.js';
import { Annotation, slotOf } from '../slot/encoding.js';
import { encodeWaiting, lapsed, refusedAgain, WAIT_LAPSES_AFTER_MS, waitingNow, waitingOf, type Waiting } from '../slot/waiting.js';

/** A wait's count and last ask are rewritten at most this often: 5,000 waiting nodes cost ~6 writes/s, not 17. */
export const REWRITE_MS = 15 * 60_000;

/** Refusals that mean "wait": every other refusal is about the request, not the queue. */
const WAITING_KINDS: ReadonlySet<string> = new Set(['slots_full', 'blocked']);

export interface WaitingBookDeps {
  readonly nodes: NodeCache;
  readonly clock: Clock;
  readonly isLeader: () => boolean;
  readonly log: Logger;
}

/** A wait as the leader counts it between writes; a refusal that changes nothing but the count only updates it. */
interface Tally {
  wait: Waiting;
  lastMs: number;
  /** When the Node last showed this wait's count (0: never, or the write failed: the next refusal writes it). */
  writtenMs: number;
}

const tallyOf = (wait: Waiting, writtenMs: number): Tally => ({ wait, lastMs: Date.parse(wait.last), writtenMs });

/** The wait as of its latest refusal. */
const current = (t: Tally): Waiting => ({ ...t.wait, last: new Date(t.lastMs).toISOString() });

export class WaitingBook {
  /** Waits newer than what their Node shows. */
  private readonly latest = new Map<string, Tally>();
  private readonly dirty = new Set<string>();
  private flushing: Promise<void> | undefined;

  constructor(private readonly deps: WaitingBookDeps) {}

  /** A FleetLock pre-reboot from `node`, which holds no slot, was refused. */
  refused(node: NodeView, group: string, refusal: Refusal): void {
    if (!WAITING_KINDS.has(refusal.kind) || slotOf(node)) return;
    const now = this.deps.clock.now();
    const reason = refusal.value.slice(0, 1024);
    const tally = this.latest.get(node.name);
    if (tally && tally.wait.group === group && tally.wait.kind === refusal.kind && now - tally.lastMs < WAIT_LAPSES_AFTER_MS) {
      // The same wait again (Zincati asks every 5 minutes, load tests far more): counted here, written at most every REWRITE_MS.
      tally.wait = { ...tally.wait, asks: tally.wait.asks + 1, reason };
      tally.lastMs = now;
      if (now - tally.writtenMs >= REWRITE_MS) this.write(node.name);
      return;
    }
    const written = waitingOf(node);
    const next = refusedAgain(tally ? current(tally) : written, { group, kind: refusal.kind, reason }, now);
    const news = !written || written.since !== next.since || written.kind !== next.kind || written.group !== next.group;
    const writtenMs = news ? 0 : Date.parse(written.last);
    this.latest.set(node.name, tallyOf(next, writtenMs));
    if (now - writtenMs >= REWRITE_MS) this.write(node.name);
  }

  /** `node` no longer waits (it said steady-state holding nothing): its wait is cleared. */
  stopped(node: NodeView): void {
    this.latest.delete(node.name);
    if (waitingOf(node)) this.write(node.name);
  }

  /** The node claimed a slot (the claim cleared the annotation) or was deleted. */
  forget(name: string): void {
    this.latest.delete(name);
  }

  /** Clears the waits of nodes that stopped asking long ago; on the leader's periodic sweep. */
  sweep(): void {
    const now = this.deps.clock.now();
    for (const node of this.deps.nodes.values()) {
      if (node.annotations[Annotation.waiting] !== undefined && !waitingNow(node, now) && !this.latest.has(node.name)) this.write(node.name);
    }
  }

  /** Resolves once every write asked for so far was tried: for tests and shutdown. */
  async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private write(name: string): void {
    this.dirty.add(name);
    this.flushing ??= this.flush().finally(() => (this.flushing = undefined));
  }

  private async flush(): Promise<void> {
    for (const name of this.dirty) {
      this.dirty.delete(name);
      const tally = this.latest.get(name);
      const wait = tally && current(tally);
      try {
        await this.deps.nodes.cas(name, (n) => waitChange(n, wait, this.deps.clock.now()), { mayWrite: this.deps.isLeader });
        if (tally && wait) tally.writtenMs = Date.parse(wait.last);
      } catch (err) {
        // The next refusal, or the sweep, writes it again.
        this.deps.log.warn({ node: name, err: (err as Error).message }, 'recording a waiting node failed');
      }
    }
  }
}

/** The wait annotation to write: none on a holder, the wait itself, or its removal once it lapsed or ended. */
function waitChange(node: NodeView, wait: Waiting | undefined, now: number) {
  const keep = wait && !slotOf(node) && !lapsed(wait, now) ? encodeWaiting(wait) : null;
  if ((node.annotations[Annotation.waiting] ?? null) === keep) return { outcome: 'same' as const };
  return { write: { annotations: { [Annotation.waiting]: keep } }, outcome: 'written' as const };
}
