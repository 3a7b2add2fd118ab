// A node a MaintenanceRequest holds is out of service: a FleetLock pre-reboot from it is refused whatever the policy
// says. FleetLock's answer and `explain` both come from here, so they cannot disagree.
import { Refusal } from '../fleetlock/refusal.js';
import type { Slot } from '../slot/slot.js';

/** The refusal a pre-reboot from `node` gets while `slot` is a MaintenanceRequest's; undefined for any other holder. */
export function heldForRequest(node: string, slot: Slot): Refusal | undefined {
  if (slot.source.kind !== 'request') return undefined;
  return new Refusal('blocked', `request: node ${node} is out of service for MaintenanceRequest ${slot.source.name}; retry once it completes`);
}
