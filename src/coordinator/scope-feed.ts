// Keeps the budget scopes (pools, zones) in step with the node watch.
import type { NodeView } from '../kube/node-view.js';
import { slotOf } from '../slot/encoding.js';
import type { NodeSource } from '../slot/holders.js';
import type { NodeFacts } from '../slot/pools.js';
import type { ScopeIndex } from '../slot/scope-index.js';

/** What the budget needs of a node: a node holding no slot is unavailable when NotReady or cordoned (we uncordon what we release). */
export function factsOf(node: NodeView): NodeFacts {
  const holding = slotOf(node) !== undefined;
  return { name: node.name, labels: node.labels, holding, unavailable: !holding && (!node.ready || node.unschedulable) };
}

/** Subscribes `scopes` to the node cache (its current nodes are indexed now); returns the unsubscribe. */
export function feedScopes(scopes: ScopeIndex, nodes: NodeSource): () => void {
  for (const node of nodes.values()) scopes.upsert(factsOf(node));
  return nodes.on((event) => {
    if (event.type === 'deleted') scopes.remove(event.key);
    else scopes.upsert(factsOf(event.current));
  });
}
