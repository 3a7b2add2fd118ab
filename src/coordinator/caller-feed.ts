// Keeps the caller index in step with the node watch and the imds-agent pod watch.
import type { CallerIndex } from '../identity/callers.js';
import { nodeKey, podKey } from '../identity/callers.js';
import type { AgentPods } from '../kube/agent-pods.js';
import type { NodeCache } from '../kube/nodes.js';

/** Subscribes `callers` to both caches (call before they start, so the first lists fill it); returns the unsubscribe. */
export function feedCallers(callers: CallerIndex, nodes: NodeCache, agentPods: AgentPods | undefined): () => void {
  const offNodes = nodes.on((event) => {
    if (event.type === 'deleted') callers.delete(nodeKey(event.key));
    else callers.set(nodeKey(event.key), event.key, event.current.addresses);
  });
  const offPods = agentPods?.on((event) => {
    const key = podKey(event.key);
    if (event.type === 'deleted' || !event.current.active) callers.delete(key);
    else callers.set(key, event.current.nodeName, event.current.ips);
  });
  return () => {
    offNodes();
    offPods?.();
  };
}
