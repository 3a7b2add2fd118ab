// Reading and setting the object fields the simulator reasons about: readiness, owners, phases.
import type { Condition, KubeObject, NodeObject, OwnerReference, PodObject } from './types.js';
import { nowTime } from './util.js';

export function conditionTrue(conds: Condition[] | undefined, type: string): boolean {
  return (conds ?? []).some((c) => c.type === type && c.status === 'True');
}

/** Sets a condition, keeping lastTransitionTime when the status does not change; `now` is a metav1.Time. */
export function setCondition(conds: Condition[] | undefined, type: string, status: boolean, extra: Partial<Condition> = {}, now = nowTime()): Condition[] {
  const list = [...(conds ?? [])];
  const want = status ? 'True' : 'False';
  const i = list.findIndex((c) => c.type === type);
  const old = i >= 0 ? list[i] : undefined;
  const next: Condition = { ...old, ...extra, type, status: want };
  if (!old || old.status !== want) next.lastTransitionTime = now;
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

export function nodeReady(n: KubeObject): boolean {
  return conditionTrue((n as NodeObject).status?.conditions, 'Ready');
}

export function nodeSchedulable(n: KubeObject): boolean {
  return (n as NodeObject).spec?.unschedulable !== true;
}

export function podReady(p: KubeObject): boolean {
  return conditionTrue((p as PodObject).status?.conditions, 'Ready');
}

export function podPhase(p: KubeObject): string {
  return (p as PodObject).status?.phase ?? 'Pending';
}

export function podNodeName(p: KubeObject): string | undefined {
  return (p as PodObject).spec?.nodeName;
}

export function podTerminating(p: KubeObject): boolean {
  return p.metadata.deletionTimestamp !== undefined;
}

export function podFinished(p: KubeObject): boolean {
  const phase = podPhase(p);
  return phase === 'Succeeded' || phase === 'Failed';
}

export function controllerOf(o: KubeObject): OwnerReference | undefined {
  return (o.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

/** Sets a pod's Ready/ContainersReady conditions and container readiness; Ready pods are Running. `now` is a metav1.Time. */
export function withPodReady(p: PodObject, ready: boolean, now = nowTime()): PodObject {
  const status = { ...p.status };
  if (ready) status.phase = 'Running';
  status.conditions = setCondition(setCondition(status.conditions, 'ContainersReady', ready, {}, now), 'Ready', ready, {}, now);
  status.containerStatuses = (p.spec.containers ?? []).map((c) => {
    const prev = (status.containerStatuses ?? []).find((s) => s.name === c.name);
    return { ...prev, name: c.name, ready, restartCount: prev?.restartCount ?? 0, started: ready, image: c.image, state: ready ? { running: { startedAt: now } } : (prev?.state ?? { waiting: { reason: 'ContainerCreating' } }) };
  });
  return { ...p, status };
}
