// Zincati's side of the protocol against a replica: the same requests, asked again until granted.
import type { FakeNode } from '../../../kit/nodes.js';
import { FleetLockClient, type FleetLockResult } from '../../../src/fleetlock/client.js';
import { zincatiId } from '../../../src/identity/app-specific-id.js';

/** A FleetLock client with the id Zincati on `node` sends (derived from its machine-id), from the node's address. */
export function zincati(serverUrl: string, node: FakeNode, group = 'default'): FleetLockClient {
  return new FleetLockClient({ baseUrl: `${serverUrl}/`, id: zincatiId(node.machineId), group, timeoutMs: 30_000, localAddress: node.address });
}

export const refusal = (r: FleetLockResult): string => (r.ok ? `${r.status}` : `${r.status} ${r.kind}: ${r.value}`);

/**
 * Sends pre-reboot until it is answered 200, as Zincati does (faster: every 300 ms). Every refusal
 * before that must be of an `expected` kind, or the health gate alone; returns the refusals seen, in order.
 */
export async function preRebootUntilGranted(client: FleetLockClient, expected: readonly string[] = ['draining'], timeoutMs = 120_000): Promise<FleetLockResult[]> {
  const deadline = Date.now() + timeoutMs;
  const seen: FleetLockResult[] = [];
  for (;;) {
    const r = await client.preReboot();
    if (r.ok) return seen;
    // The health gate holds a claim right after another node's release (a few seconds here): Zincati waits it out too.
    const gateOnly = r.kind === 'blocked' && r.value.startsWith('health: ');
    if (!expected.includes(r.kind) && !gateOnly) throw new Error(`pre-reboot refused unexpectedly: ${refusal(r)}`);
    seen.push(r);
    if (Date.now() > deadline) throw new Error(`pre-reboot not granted within ${timeoutMs} ms; last answer ${refusal(r)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
