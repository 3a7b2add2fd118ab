import type { Clock } from '../clock/clock.js';
import type { EventRecorder } from '../kube/events.js';
import type { NodeCache } from '../kube/nodes.js';
import { releaseByOperator } from '../slot/transitions.js';

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
export async function releaseByHand(nodes: NodeCache, clock: Clock, events: EventRecorder | undefined, name: string, why: string): Promise<ManualRelease> {
  const result = await nodes.cas(name, (n) => releaseByOperator(n, clock.now()));
  if (result.fenced || result.outcome.kind !== 'released' || !result.wrote) return { released: false, uncordoned: false };
  const { slot } = result.outcome;
  const holder = slot.source.kind === 'request' ? ` (held for MaintenanceRequest ${slot.source.name})` : '';
  events?.record(result.node, 'Normal', 'RebootSlotReleased', `Reboot slot released by hand: ${why}${holder}`);
  if (slot.cordonedByUs) events?.record(result.node, 'Normal', 'Uncordoned', 'Uncordoned: reboot-manager had cordoned it');
  await events?.flush();
  return { released: true, uncordoned: slot.cordonedByUs };
}
