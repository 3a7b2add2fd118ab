// Stand-ins for the ReplicaSet and StatefulSet controllers and the scheduler, so drained pods come back elsewhere.
import type { CancelTimer } from '../../clock/clock.js';
import { controllerOf, nodeReady, nodeSchedulable, podNodeName, withPodReady } from './objects.js';
import { typeByName } from './resources.js';
import type { ObjectStore, StoreChange } from './store.js';
import type { KubeObject, PodObject } from './types.js';
import { clone, nowTime } from './util.js';

const PODS = typeByName('pods');
const NODES = typeByName('nodes');

export interface ControllerOptions {
  replaceEvicted?: boolean;
  /** Ms on the store's clock before a replacement pod turns Ready. */
  readyDelayMs?: number;
  /** Bind a replacement to the schedulable node with the fewest pods, as the scheduler spreads them; default the first one. */
  spread?: boolean;
}

/** A pod spec for the replacement: same template, fresh identity and status, no node yet. */
function replacementOf(old: PodObject, name: string): PodObject {
  const p = clone(old);
  p.metadata = { name, namespace: old.metadata.namespace, labels: old.metadata.labels ?? {}, ownerReferences: old.metadata.ownerReferences ?? [] };
  if (old.metadata.annotations) p.metadata.annotations = old.metadata.annotations;
  delete p.spec.nodeName;
  p.status = { phase: 'Pending', conditions: [], containerStatuses: [] };
  return p;
}

export class Controllers {
  private readonly timers = new Set<CancelTimer>();
  private readonly replaced = new Set<string>();
  /** Replacements created while no node could take them. */
  private readonly unscheduled = new Set<string>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly opts: ControllerOptions,
  ) {
    this.unsubscribe = store.subscribe((c) => this.onChange(c));
  }

  private onChange(c: StoreChange): void {
    if (!this.opts.replaceEvicted) return;
    if (c.type === PODS) {
      const pod = c.event.object as PodObject;
      const kind = controllerOf(pod)?.kind;
      const uid = pod.metadata.uid ?? '';
      // ReplicaSets replace a pod once it terminates; StatefulSets once the old one is gone (same name).
      if (kind === 'ReplicaSet' && pod.metadata.deletionTimestamp && !this.replaced.has(uid)) {
        this.replaced.add(uid);
        const owner = controllerOf(pod)?.name ?? pod.metadata.name ?? 'pod';
        this.schedule(this.store.create(PODS, replacementOf(pod, `${owner}-${this.store.ids.suffix()}`)) as PodObject, podNodeName(pod));
      } else if (kind === 'StatefulSet' && c.event.type === 'DELETED' && !this.replaced.has(uid)) {
        this.replaced.add(uid);
        this.schedule(this.store.create(PODS, replacementOf(pod, pod.metadata.name ?? '')) as PodObject, podNodeName(pod));
      }
    }
    if (c.type === NODES && nodeReady(c.event.object) && nodeSchedulable(c.event.object)) this.schedulePending();
  }

  private pickNode(avoid: string | undefined): KubeObject | undefined {
    const nodes = this.store.list(NODES).filter((n) => nodeReady(n) && nodeSchedulable(n));
    const others = nodes.filter((n) => n.metadata.name !== avoid);
    if (!this.opts.spread || others.length === 0) return others[0] ?? nodes[0];
    const load = new Map<string, number>();
    for (const p of this.store.list(PODS)) load.set(podNodeName(p) ?? '', (load.get(podNodeName(p) ?? '') ?? 0) + 1);
    return others.reduce((best, n) => ((load.get(n.metadata.name ?? '') ?? 0) < (load.get(best.metadata.name ?? '') ?? 0) ? n : best));
  }

  /** Binds a replacement to a Ready, schedulable node (another one if possible); it turns Ready after the delay. */
  private schedule(pod: PodObject, avoid: string | undefined): void {
    const node = this.pickNode(avoid);
    if (!node) {
      this.unscheduled.add(pod.metadata.uid ?? '');
      return;
    }
    this.unscheduled.delete(pod.metadata.uid ?? '');
    const bound = this.store.update(PODS, { ...pod, spec: { ...pod.spec, nodeName: node.metadata.name ?? '' } }) as PodObject;
    const cancel = this.store.clock.setTimer(this.opts.readyDelayMs ?? 0, () => {
      this.timers.delete(cancel);
      const cur = this.store.get(PODS, bound.metadata.namespace, bound.metadata.name ?? '') as PodObject | undefined;
      if (cur && cur.metadata.uid === bound.metadata.uid && !cur.metadata.deletionTimestamp) this.store.update(PODS, withPodReady(cur, true, nowTime(this.store.clock)));
    });
    this.timers.add(cancel);
  }

  private schedulePending(): void {
    for (const p of this.store.list(PODS) as PodObject[]) {
      if (!p.spec.nodeName && this.unscheduled.has(p.metadata.uid ?? '') && !p.metadata.deletionTimestamp) this.schedule(p, undefined);
    }
  }

  close(): void {
    this.unsubscribe();
    for (const cancel of this.timers) cancel();
    this.timers.clear();
  }
}
