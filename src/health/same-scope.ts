// Which releases a claim waits for: pools roll independently, so only a release in a pool the asker shares (or, for
// nodes in no pool, another such node's release) holds it back.
import type { NodeView } from '../kube/node-view.js';
import type { Asking } from '../policy/reasons.js';
import type { ScopeIndex } from '../slot/scope-index.js';

export function sharesPool(scopes: Pick<ScopeIndex, 'poolsOf'>): (released: NodeView, asking: Asking) => boolean {
  return (released, asking) => {
    const theirs = scopes.poolsOf(released.name);
    if (theirs.length === 0 && asking.pools.length === 0) return true;
    return theirs.some((p) => asking.pools.includes(p));
  };
}
