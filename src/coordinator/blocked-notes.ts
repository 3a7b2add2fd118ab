// A RebootBlocked Event on a Node when the rules holding its claims back change: once, not on every poll.
import type { EventRecorder } from '../kube/events.js';
import type { NodeView } from '../kube/node-view.js';
import { describeReasons, type Reason } from '../policy/reasons.js';
import { budgetOnly } from './admission.js';

export class BlockedNotes {
  /** The rules last reported per node; the budget alone (`slots_full`, the usual wait) is not reported. */
  private readonly last = new Map<string, string>();

  constructor(private readonly events: Pick<EventRecorder, 'record'>) {}

  note(node: NodeView, reasons: readonly Reason[]): void {
    if (budgetOnly(reasons)) return void this.last.delete(node.name);
    const rules = [...new Set(reasons.map((r) => r.rule))].sort().join(',');
    if (this.last.get(node.name) === rules) return;
    this.last.set(node.name, rules);
    this.events.record(node, 'Normal', 'RebootBlocked', `Reboot held back by the rollout policy: ${describeReasons(reasons)}`);
  }

  /** The node claimed or is gone: a later block is news again. */
  forget(name: string): void {
    this.last.delete(name);
  }
}
