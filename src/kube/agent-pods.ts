// Watch-fed cache of the imds-agent DaemonSet's pods: which node each runs on and its IPs.
import type { Clock } from '../clock/clock.js';
import type { KubeApi } from './api.js';
import type { KubeError } from './errors.js';
import { Reflector } from './reflector.js';

export interface AgentPodView {
  readonly namespace: string;
  readonly name: string;
  readonly nodeName: string;
  /** `status.podIPs` (or `status.podIP`): where this pod's calls come from. */
  readonly ips: readonly string[];
  /** Controlled by a DaemonSet and not finished: only such a pod may speak for its node. */
  readonly active: boolean;
}

interface RawPod {
  metadata?: { namespace?: string; name?: string; ownerReferences?: { kind?: string; controller?: boolean }[] | null };
  spec?: { nodeName?: string };
  status?: { phase?: string; podIP?: string; podIPs?: { ip?: string }[] | null };
}

export function toAgentPodView(pod: unknown): AgentPodView {
  const raw = pod as RawPod;
  const ips = (raw.status?.podIPs ?? []).map((p) => p.ip ?? '').filter(Boolean);
  if (ips.length === 0 && raw.status?.podIP) ips.push(raw.status.podIP);
  const daemonSet = (raw.metadata?.ownerReferences ?? []).some((o) => o.controller === true && o.kind === 'DaemonSet');
  const finished = raw.status?.phase === 'Succeeded' || raw.status?.phase === 'Failed';
  return {
    namespace: raw.metadata?.namespace ?? '',
    name: raw.metadata?.name ?? '',
    nodeName: raw.spec?.nodeName ?? '',
    ips,
    active: daemonSet && !finished && (raw.spec?.nodeName ?? '') !== '',
  };
}

function sameAgentPod(a: AgentPodView, b: AgentPodView): boolean {
  return a.nodeName === b.nodeName && a.active === b.active && a.ips.length === b.ips.length && a.ips.every((ip, i) => ip === b.ips[i]);
}

/** The agent pods selected by `labelSelector` in `namespace`, kept by a list-then-watch. */
export class AgentPods extends Reflector<AgentPodView> {
  constructor(api: KubeApi, clock: Clock, selection: { namespace: string; labelSelector: string }, opts: { onError?: (err: KubeError) => void; random?: () => number } = {}) {
    super({
      what: `imds-agent pods (${selection.namespace}, ${selection.labelSelector})`,
      api,
      clock,
      collection: 'pods',
      namespace: selection.namespace,
      labelSelector: selection.labelSelector,
      pageSize: 500,
      transform: toAgentPodView,
      keyOf: (p) => `${p.namespace}/${p.name}`,
      equal: sameAgentPod,
      ...(opts.random ? { random: opts.random } : {}),
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
  }
}
