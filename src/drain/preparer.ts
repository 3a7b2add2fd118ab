import type { NodeView } from '../kube/node-view.js';
import type { Slot } from '../slot/slot.js';

export type Preparation = { readonly done: true } | { readonly done: false; readonly progress: string };

/**
 * Makes a node that holds a slot safe to reboot (cordon and drain), between "claimed" and "granted".
 * `prepare` starts or resumes the work and never waits for it; it is called on every pre-reboot from
 * the holder and when a new leader finds holders still being prepared.
 */
export interface NodePreparer {
  prepare(node: NodeView, slot: Slot): Preparation;
  /** Stops work for a node whose slot is withdrawn or released. */
  cancel(name: string): void;
  /** Resolves once the node's preparation is done, or after `timeoutMs`: a node with nothing to drain is granted at once. */
  settled(name: string, timeoutMs: number): Promise<void>;
}
