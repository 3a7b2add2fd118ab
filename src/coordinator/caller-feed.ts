// Keeps the caller index in step with the node watch and the imds-agent pod watch.
import type { CallerIndex } from '../identity/callers.js';
import { agentPodEntryKey, nodeEntryKey } from '../identity/callers.js';
import type { AgentPods } from '../kube/agent-pods.js';
import type { NodeCache } from '../kube/nodes.js';

/** Subscribes `callers` to both caches (call before they start, so the first lists fill it); returns the unsubscribe. */
export function feedCallers(callers: CallerIndex, nodes: NodeCache, agentPods: AgentPods | undefined): () => void {
  const offNodes = nodes.on((event) => {
    if (event.type === 'deleted') callers.delete(nodeEntryKey(event.key));
    else callers.set(nodeEntryKey(event.key), event.key, event.current.addresses);
  });
  const offPods = agentPods?.on((event) => {
    const key = agentPodEntryKey(event.key);
    if (event.type === 'deleted' || !event.current.active) callers.delete(key);
    else callers.set(key, event.current.nodeName, event.current.ips);
  });
  return () => {
    offNodes();
    offPods?.();
  };
}
