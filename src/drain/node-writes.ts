import { casNode } from '../coordinator/writes.js';
import { Annotation } from '../kube/annotations.js';
import { holdOf, type NodeView } from '../kube/node-view.js';
import type { NodeChange, Nodes } from '../kube/nodes.js';

export type CordonResult =
  /** We set `spec.unschedulable` and `rebootmanager/cordoned: "true"`. */
  | 'cordoned'
  /** Someone else had cordoned it: their cordon stays after the release. */
  | 'already-cordoned'
  /** An earlier attempt already moved the claim to `draining`. */
  | 'already-draining'
  /** The claim was released or replaced meanwhile: nothing was written. */
  | 'claim-gone';

/**
 * One compare-and-swap moves the claim to `draining` and cordons the node only if it was schedulable,
 * recording that we did. Decided on the freshest Node, so a concurrent release either sees our
 * annotation (and uncordons) or makes this write a no-op.
 */
export async function cordonForDrain(nodes: Nodes, node: NodeView, claimedAt: string): Promise<CordonResult> {
  let result: CordonResult = 'claim-gone';
  await casNode(nodes, node, {
    change: (n): NodeChange | undefined => {
      const hold = holdOf(n);
      result = !hold || hold.claimedAt !== claimedAt ? 'claim-gone' : 'already-draining';
      if (!hold || hold.claimedAt !== claimedAt || hold.phase !== 'claimed') return undefined;
      if (n.unschedulable) {
        result = 'already-cordoned';
        return { annotations: { [Annotation.phase]: 'draining' } };
      }
      result = 'cordoned';
      return { annotations: { [Annotation.phase]: 'draining', [Annotation.cordoned]: 'true' }, unschedulable: true };
    },
  });
  return result;
}

/** Writes the drain progress annotation while the same claim holds; false when the claim is gone. */
export async function writeDrainProgress(nodes: Nodes, node: NodeView, claimedAt: string, text: string): Promise<boolean> {
  let held = false;
  await casNode(nodes, node, {
    change: (n) => {
      const hold = holdOf(n);
      held = hold !== undefined && hold.claimedAt === claimedAt;
      if (!held || n.annotations[Annotation.drain] === text) return undefined;
      return { annotations: { [Annotation.drain]: text } };
    },
  });
  return held;
}
