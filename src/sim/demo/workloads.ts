// The demo's applications: two Deployments and a StatefulSet under PodDisruptionBudgets, spread over the nodes,
// and a watch that tells each eviction, where the pod came back, and the fewest ready replicas each app had.
import { addDeployment, addStatefulSet, type SimStore } from '../kube/index.js';
import { podNodeName, podReady, podTerminating } from '../kube/objects.js';
import type { KubeObject } from '../kube/types.js';
import type { StoryWriter } from './story.js';

export const APP_NAMESPACE = 'shop';

/** One app as the summary reports it: fewest ready (Ready, not terminating) replicas seen vs desired and the budget's floor. */
export interface AppOutcome {
  readonly app: string;
  readonly kind: 'Deployment' | 'StatefulSet';
  readonly desired: number;
  /** The PodDisruptionBudget's minAvailable: evictions may never take the app below it. */
  readonly minAvailable: number;
  readonly fewestReady: number;
}

interface AppSpec {
  readonly name: string;
  readonly kind: AppOutcome['kind'];
  readonly nodes: readonly string[];
  readonly minAvailable: number;
}

/** Fewer nodes leave an evicted pod nowhere to go while another node is down: the demo then runs no workloads. */
export const MIN_NODES_FOR_APPS = 3;

/**
 * web on every node, api on two, db (3 replicas, at most one down) with two pods on the last node:
 * that node's drain evicts one db pod and must wait for its replacement to be Ready before the second.
 */
export function demoApps(nodes: readonly string[]): AppSpec[] {
  if (nodes.length < MIN_NODES_FOR_APPS) return [];
  const first = nodes[0] ?? '';
  const last = nodes[nodes.length - 1] ?? '';
  return [
    { name: 'web', kind: 'Deployment', nodes, minAvailable: nodes.length - 1 },
    { name: 'api', kind: 'Deployment', nodes: [nodes[1] ?? first, nodes[nodes.length - 2] ?? last], minAvailable: 1 },
    { name: 'db', kind: 'StatefulSet', nodes: [last, last, first], minAvailable: 2 },
  ];
}

/** Creates the namespace, the workloads, their pods and budgets. */
export function seedApps(store: SimStore, specs: readonly AppSpec[]): void {
  if (specs.length === 0) return;
  store.create('namespaces', { metadata: { name: APP_NAMESPACE, labels: { 'kubernetes.io/metadata.name': APP_NAMESPACE } }, spec: {}, status: { phase: 'Active' } });
  for (const s of specs) (s.kind === 'Deployment' ? addDeployment : addStatefulSet)(store, { namespace: APP_NAMESPACE, name: s.name, nodes: s.nodes, minAvailable: s.minAvailable });
}

interface Eviction {
  readonly pod: string;
  readonly node: string;
}

const appOf = (pod: KubeObject): string | undefined => (pod.metadata.namespace === APP_NAMESPACE ? pod.metadata.labels?.app : undefined);
const serving = (pod: KubeObject | undefined): boolean => pod !== undefined && podReady(pod) && !podTerminating(pod);

/** Watches the apps' pods: an eviction is a pod marked for deletion on its node (only drains delete pods here). */
export class WorkloadWatch {
  private readonly fewest = new Map<string, number>();
  /** Evicted pods per app whose replacement is not Ready yet, oldest first. */
  private readonly awaiting = new Map<string, Eviction[]>();
  private readonly evictedPerNode = new Map<string, number>();
  private readonly stop: () => void;

  constructor(
    private readonly store: SimStore,
    private readonly specs: readonly AppSpec[],
    private readonly story: StoryWriter,
  ) {
    for (const s of specs) this.fewest.set(s.name, this.count(s.name));
    this.stop = store.onChange((c) => {
      if (c.resource === 'pods') this.onPod(c.old, c.type === 'DELETED' ? undefined : c.object);
    });
  }

  private count(app: string): number {
    return this.store.listPods({ namespace: APP_NAMESPACE }).filter((p) => appOf(p) === app && serving(p)).length;
  }

  private onPod(before: KubeObject | undefined, after: KubeObject | undefined): void {
    const pod = after ?? before;
    const app = pod && appOf(pod);
    if (!pod || !app) return;
    const now = this.count(app);
    this.fewest.set(app, Math.min(this.fewest.get(app) ?? now, now));
    const desired = this.specs.find((s) => s.name === app)?.nodes.length ?? 0;
    const node = podNodeName(pod) ?? '?';
    if (after && before && !podTerminating(before) && podTerminating(after)) {
      this.evictedPerNode.set(node, (this.evictedPerNode.get(node) ?? 0) + 1);
      this.awaiting.set(app, [...(this.awaiting.get(app) ?? []), { pod: pod.metadata.name ?? '?', node }]);
      this.story.line(node, `evicted ${pod.metadata.name ?? '?'} (${APP_NAMESPACE}/${app}): ${app} has ${now}/${desired} ready`);
    } else if (after && !serving(before) && serving(after)) {
      const [evicted, ...rest] = this.awaiting.get(app) ?? [];
      if (!evicted) return;
      this.awaiting.set(app, rest);
      const as = after.metadata.name === evicted.pod ? '' : ` as ${after.metadata.name ?? '?'}`;
      this.story.line(evicted.node, `evicted ${evicted.pod} (${APP_NAMESPACE}/${app}), back on ${node}${as}: ${app} has ${now}/${desired} ready`);
    }
  }

  /** Pods the drains evicted, as seen in the cluster. */
  get evicted(): number {
    return [...this.evictedPerNode.values()].reduce((a, b) => a + b, 0);
  }

  outcomes(): AppOutcome[] {
    return this.specs.map((s) => ({ app: `${APP_NAMESPACE}/${s.name}`, kind: s.kind, desired: s.nodes.length, minAvailable: s.minAvailable, fewestReady: this.fewest.get(s.name) ?? 0 }));
  }

  close(): void {
    this.stop();
  }
}
