// Deletion: preconditions, and graceful pod termination in scaled time (deletionTimestamp first, removal later).
import type { CancelTimer } from '../../clock/clock.js';
import { errors } from './errors.js';
import { podFinished, podNodeName } from './objects.js';
import type { ResourceType } from './resources.js';
import { typeByName } from './resources.js';
import type { ObjectStore } from './store.js';
import type { KubeObject, PodObject } from './types.js';
import { isPlainObject, timeAt } from './util.js';

const PODS = typeByName('pods');

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export function parseDeleteOptions(body: unknown, query: URLSearchParams): DeleteOptions {
  const opts: DeleteOptions = {};
  if (isPlainObject(body)) {
    if (typeof body.gracePeriodSeconds === 'number') opts.gracePeriodSeconds = body.gracePeriodSeconds;
    if (isPlainObject(body.preconditions)) opts.preconditions = body.preconditions;
  }
  const q = query.get('gracePeriodSeconds');
  if (q !== null && q !== '') opts.gracePeriodSeconds = Number(q);
  return opts;
}

/** As rest.BeforeDelete checks them, for every resource: a mismatch is a 409 naming the Kind. */
export function checkPreconditions(t: ResourceType, obj: KubeObject, pre: DeleteOptions['preconditions']): void {
  const name = obj.metadata.name ?? '';
  if (pre?.uid && pre.uid !== obj.metadata.uid) {
    throw errors.preconditionFailed(t.kind, t.group, name, `the UID in the precondition (${pre.uid}) does not match the UID in record (${obj.metadata.uid ?? ''}). The object might have been deleted and then recreated`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
    throw errors.preconditionFailed(t.kind, t.group, name, `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${obj.metadata.resourceVersion ?? ''}). The object might have been modified`);
  }
}

/** Pods terminate over their grace period, timed on the store's clock; everything else goes at once. */
export class Deleter {
  private readonly timers = new Map<string, { cancel: CancelTimer; due: number }>();

  constructor(
    private readonly store: ObjectStore,
    private readonly graceMsPerSecond: number,
  ) {}

  delete(t: ResourceType, ns: string | undefined, name: string, opts: DeleteOptions): KubeObject {
    const obj = this.store.get(t, ns, name);
    if (!obj) throw errors.notFound({ resource: t.resource, group: t.group, name });
    checkPreconditions(t, obj, opts.preconditions);
    if (t !== PODS) return this.store.remove(t, ns, name);
    const pod = obj as PodObject;
    let grace = opts.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    if (!podNodeName(pod) || podFinished(pod)) grace = 0;
    if (grace <= 0) return this.finish(ns, name, pod.metadata.uid);
    const due = this.store.clock.now() + grace * 1000;
    const key = `${ns ?? ''}/${name}`;
    const existing = this.timers.get(key);
    if (pod.metadata.deletionTimestamp && existing && existing.due <= due) return pod;
    existing?.cancel();
    const deletionTimestamp = timeAt(due);
    const marked = this.store.markDeleting(PODS, ns, name, deletionTimestamp, grace);
    const uid = pod.metadata.uid;
    const cancel = this.store.clock.setTimer(grace * this.graceMsPerSecond, () => {
      this.timers.delete(key);
      this.finish(ns, name, uid);
    });
    this.timers.set(key, { cancel, due });
    return marked;
  }

  private finish(ns: string | undefined, name: string, uid: string | undefined): KubeObject {
    const cur = this.store.get(PODS, ns, name);
    if (!cur || cur.metadata.uid !== uid) return cur ?? { metadata: { name } };
    const key = `${ns ?? ''}/${name}`;
    this.timers.get(key)?.cancel();
    this.timers.delete(key);
    return this.store.remove(PODS, ns, name);
  }

  close(): void {
    for (const { cancel } of this.timers.values()) cancel();
    this.timers.clear();
  }
}
