// Which node a FleetLock caller is: the Nodes' own addresses and the agent pods' IPs, fed by watches.
import { canonicalAddress } from './address.js';

/** One source of addresses for a node: the Node itself, or one agent pod on it. */
interface Entry {
  readonly node: string;
  readonly addresses: readonly string[];
}

/**
 * Address -> nodes, from `status.addresses` of every Node and the IPs of the imds-agent pods (each on its
 * node). Kept up to date by the node and pod watches, so a request costs a map lookup, never an API call.
 */
export class CallerIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly byAddress = new Map<string, Map<string, number>>();

  /** Records the addresses a node's calls come from; `key` is `node/NAME` or `pod/NS/NAME`. */
  set(key: string, node: string, rawAddresses: readonly string[]): void {
    const addresses = [...new Set(rawAddresses.map(canonicalAddress).filter((a): a is string => a !== undefined))];
    const old = this.entries.get(key);
    if (old && old.node === node && old.addresses.length === addresses.length && old.addresses.every((a, i) => a === addresses[i])) return;
    this.delete(key);
    if (addresses.length === 0) return;
    this.entries.set(key, { node, addresses });
    for (const a of addresses) {
      let nodes = this.byAddress.get(a);
      if (!nodes) this.byAddress.set(a, (nodes = new Map<string, number>()));
      nodes.set(node, (nodes.get(node) ?? 0) + 1);
    }
  }

  delete(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    for (const a of old.addresses) {
      const nodes = this.byAddress.get(a);
      const n = (nodes?.get(old.node) ?? 0) - 1;
      if (n > 0) nodes?.set(old.node, n);
      else nodes?.delete(old.node);
      if (nodes?.size === 0) this.byAddress.delete(a);
    }
  }

  /** Whether a call from `address` may speak for `node`. */
  isFrom(address: string, node: string): boolean {
    const canonical = canonicalAddress(address);
    return canonical !== undefined && this.byAddress.get(canonical)?.has(node) === true;
  }

  /** Whether `address` belongs to any node or agent pod at all. */
  known(address: string): boolean {
    const canonical = canonicalAddress(address);
    return canonical !== undefined && this.byAddress.has(canonical);
  }
}

export const nodeEntryKey = (name: string): string => `node/${name}`;
/** `NAMESPACE/NAME` of an agent pod. */
export const agentPodEntryKey = (namespacedName: string): string => `pod/${namespacedName}`;
