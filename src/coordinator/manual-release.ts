import type { EventRecorder } from '../kube/events.js';
import { holdOf } from '../kube/node-view.js';
import type { Nodes } from '../kube/nodes.js';
import { casNode, releaseChange } from './writes.js';

export interface ManualRelease {
  /** False when the node held no slot: nothing was written. */
  readonly released: boolean;
  /** True when reboot-manager had cordoned the node and so uncordoned it. */
  readonly uncordoned: boolean;
}

/**
 * An operator gives a node's slot back (`reboot-manager release NODE`): the same write as any
 * release, so the leader's watch sees the slot end and stops a drain in progress.
 */
export async function releaseByHand(nodes: Nodes, events: EventRecorder | undefined, name: string, why: string): Promise<ManualRelease> {
  const node = await nodes.read(name);
  const hold = holdOf(node);
  if (!hold) return { released: false, uncordoned: false };
  const written = await casNode(nodes, node, { change: (n) => (holdOf(n) ? releaseChange(n, new Date()) : undefined) });
  if (!written) return { released: false, uncordoned: false };
  events?.record(written, 'Normal', 'RebootSlotReleased', `Reboot slot released by hand: ${why}`);
  if (hold.cordonedByUs) events?.record(written, 'Normal', 'Uncordoned', 'Uncordoned: reboot-manager had cordoned it');
  await events?.flush();
  return { released: true, uncordoned: hold.cordonedByUs };
}
