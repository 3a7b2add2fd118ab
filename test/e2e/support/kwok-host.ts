// The simulated Zincati fleet's view of a machine, played on kwok nodes: a reboot is a power cycle of the node.
import type { Reboots } from '../../../kit/nodes.js';
import type { NodeHost } from '../../../src/sim/fleet/zincati-agent.js';

export function kwokHost(reboots: Reboots): NodeHost {
  return {
    rebootNode: (name) => void reboots.powerOff(name),
    setNodeReady: (name, ready) => void (ready ? reboots.powerOn(name) : reboots.powerOff(name)),
  };
}
