// A maintenance window closing on a drain still running: with `drainOutsideWindow: Stop` the claim is given back.
// Judged from the Node (its slot) and the policy, never from memory: a new leader acts on a window that closed without one.
import type { CancelTimer, Clock } from '../clock/clock.js';
import type { EventRecorder } from '../kube/events.js';
import type { NodeView } from '../kube/node-view.js';
import type { Policy } from '../policy/policy.js';
import { describeReasons, type Asking } from '../policy/reasons.js';
import type { WindowRule } from '../policy/window-rule.js';
import { slotOf } from '../slot/encoding.js';
import type { NodeSource, SlotIndex } from '../slot/holders.js';
import type { Slot } from '../slot/slot.js';

/** What the coordinator asks before it drains or grants a holder, and tells once it gave a claim back. */
export interface WindowCheck {
  /** Why `slot`'s claim must be given back now, or undefined: keep going. */
  due(node: NodeView, slot: Slot): string | undefined;
  /** The claim was given back for `why`: a Warning Event on the Node and a log line. */
  stopped(node: NodeView, why: string, log: { warn(obj: object, msg: string): void }): void;
}

export interface WindowCloseDeps {
  readonly slots: Pick<SlotIndex, 'holders'>;
  readonly nodes: Pick<NodeSource, 'on'>;
  /** The policy in force, and its changes: an edit may close a window on a drain, or change drainOutsideWindow. */
  readonly policy: { current(): Pick<Policy, 'drainOutsideWindow'>; on(listener: () => void): () => void };
  /** The window rule in force (replaced with each policy). */
  readonly windows: () => Pick<WindowRule, 'reasons' | 'closingAt'>;
  /** The node as the rules see it: its pools, and whether its group is urgent (urgent groups ignore windows). */
  readonly asking: (node: NodeView, group: string) => Asking;
  readonly clock: Clock;
  readonly isLeader: () => boolean;
  readonly events: Pick<EventRecorder, 'record'>;
  /** The coordinator looks at the holder again and gives its claim back if `due` says so; never throws. */
  readonly reconcile: (name: string) => Promise<void>;
}

/**
 * One timer, at the earliest moment a window closes on a holder still being drained, re-armed when the
 * holders, the policy or the leadership change; the reconciler's sweep is the safety net. Only the leader arms it.
 */
export class WindowClose implements WindowCheck {
  private cancel: CancelTimer | undefined;
  private readonly offNodes: () => void;
  private readonly offPolicy: () => void;

  constructor(private readonly deps: WindowCloseDeps) {
    this.offNodes = deps.nodes.on((event) => {
      if ((event.type !== 'added' && slotOf(event.previous)) || (event.type !== 'deleted' && slotOf(event.current))) this.arm();
    });
    // Subscribed after the window rule is replaced (server.ts): `check` sees the new windows.
    this.offPolicy = deps.policy.on(() => this.check());
  }

  due(node: NodeView, slot: Slot): string | undefined {
    if (slot.phase === 'drained' || this.deps.policy.current().drainOutsideWindow !== 'stop') return undefined;
    const reasons = this.deps.windows().reasons(this.deps.asking(node, slot.group));
    if (reasons.length === 0) return undefined;
    return `the maintenance window closed before the drain finished (${describeReasons(reasons)}); drainOutsideWindow is Stop`;
  }

  stopped(node: NodeView, why: string, log: { warn(obj: object, msg: string): void }): void {
    log.warn({ node: node.name, why }, 'drain stopped outside its maintenance window: reboot slot given back');
    this.deps.events.record(node, 'Warning', 'DrainStopped', `Drain stopped and reboot slot given back: ${why}`);
  }

  /** Acts on every holder outside its window now (a policy edit, a new leader), then arms the timer. */
  check(): void {
    if (this.active()) for (const { node, slot } of this.deps.slots.holders()) if (this.due(node, slot)) void this.deps.reconcile(node.name);
    this.arm();
  }

  /** Sets the timer at the earliest future closing of a window a running drain is inside; none off the leader. */
  arm(): void {
    this.cancel?.();
    this.cancel = undefined;
    if (!this.active()) return;
    const now = this.deps.clock.now();
    let next: number | undefined;
    for (const { node, slot } of this.deps.slots.holders()) {
      if (slot.phase === 'drained') continue;
      const at = this.deps.windows().closingAt(this.deps.asking(node, slot.group));
      // A window closed already is the reconciler's (it looks at every holder event): only future closings set the timer.
      if (at !== undefined && at > now && (next === undefined || at < next)) next = at;
    }
    if (next !== undefined) this.cancel = this.deps.clock.setTimer(next - now, () => this.check());
  }

  close(): void {
    this.offNodes();
    this.offPolicy();
    this.cancel?.();
  }

  private active(): boolean {
    return this.deps.isLeader() && this.deps.policy.current().drainOutsideWindow === 'stop';
  }
}
