// The object store: one global resourceVersion, per-type objects and watch history, ordered change events.
import type { Clock } from '../../clock/clock.js';
import { systemClock } from '../../clock/clock.js';
import { errors } from './errors.js';
import type { ResourceKey, ResourceType } from './resources.js';
import { apiVersionOf, keyOf } from './resources.js';
import type { KubeObject, WatchEvent } from './types.js';
import { clone, deepEqual, nowTime, randomIds, type IdSource } from './util.js';

export interface StoreChange {
  type: ResourceType;
  event: WatchEvent;
}

export type ChangeListener = (change: StoreChange) => void;

interface Bucket {
  objects: Map<string, KubeObject>;
  history: WatchEvent[];
  /** Highest RV dropped from history: a watch from below it has missed events. */
  compactedRV: number;
}

export interface UpdateOptions {
  /** Compare-and-swap: fail with 409 unless the stored object has this resourceVersion. */
  expectRV?: string;
}

function objectKey(ns: string | undefined, name: string): string {
  return ns ? `${ns}/${name}` : name;
}

function subject(t: ResourceType, name: string | undefined): { resource: string; group: string; name?: string } {
  return name === undefined ? { resource: t.resource, group: t.group } : { resource: t.resource, group: t.group, name };
}

/** Compares two objects ignoring the fields every write changes. */
function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined, managedFields: undefined } });
  return deepEqual(strip(a), strip(b));
}

export class ObjectStore {
  private rv = 0;
  private readonly buckets = new Map<ResourceKey, Bucket>();
  private readonly listeners = new Set<ChangeListener>();
  /** Told after every change and on other observable events (a watch opening or closing). */
  private readonly observers = new Set<() => void>();
  private readonly queue: StoreChange[] = [];
  private draining = false;

  /** `clock` is the one every part of the machinery reads time from (timestamps, grace periods, delays). */
  constructor(
    private readonly historyLimit: number,
    readonly clock: Clock = systemClock,
    readonly ids: IdSource = randomIds,
  ) {}

  currentRV(): number {
    return this.rv;
  }

  private bucket(t: ResourceType): Bucket {
    const k = keyOf(t.group, t.resource);
    let b = this.buckets.get(k);
    if (!b) {
      b = { objects: new Map(), history: [], compactedRV: 0 };
      this.buckets.set(k, b);
    }
    return b;
  }

  get(t: ResourceType, ns: string | undefined, name: string): KubeObject | undefined {
    const o = this.bucket(t).objects.get(objectKey(t.namespaced ? ns : undefined, name));
    return o && clone(o);
  }

  /** Objects in key order (namespace, then name), like etcd. */
  list(t: ResourceType, ns?: string): KubeObject[] {
    const all = this.page(t, ns, () => true, '', 0);
    return all === 'expired' ? [] : all.items;
  }

  /** Objects as stored, not copied: for the simulator's own controllers, which must not mutate them. */
  scan(t: ResourceType, ns?: string): readonly KubeObject[] {
    const out: KubeObject[] = [];
    for (const o of this.bucket(t).objects.values()) {
      if (ns && t.namespaced && o.metadata.namespace !== ns) continue;
      out.push(o);
    }
    return out;
  }

  /**
   * A page in key order: objects after key `after` that match, at most `limit` (0: all), cloned
   * only once chosen, so paging through 5,000 large Nodes does not copy all of them per page.
   * With `atRV`, the objects as they were then, like etcd serving every page of a list from the first
   * page's revision; 'expired' when the history no longer reaches back that far.
   */
  page(t: ResourceType, ns: string | undefined, match: (o: KubeObject) => boolean, after: string, limit: number, atRV = this.rv): { items: KubeObject[]; remaining: number } | 'expired' {
    const objects = this.objectsAt(this.bucket(t), atRV);
    if (objects === 'expired') return 'expired';
    const keys = [...objects.keys()].sort();
    const items: KubeObject[] = [];
    let remaining = 0;
    for (const k of keys) {
      const o = objects.get(k);
      if (!o) continue;
      if (ns && t.namespaced && o.metadata.namespace !== ns) continue;
      if (after && `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}` <= after) continue;
      if (!match(o)) continue;
      if (limit > 0 && items.length >= limit) remaining++;
      else items.push(clone(o));
    }
    return { items, remaining };
  }

  /** The stored objects rolled back to `rv`: each changed key takes its state from before its first later change. */
  private objectsAt(b: Bucket, rv: number): ReadonlyMap<string, KubeObject> | 'expired' {
    if (rv >= this.rv) return b.objects;
    if (rv < b.compactedRV) return 'expired';
    const out = new Map(b.objects);
    const seen = new Set<string>();
    for (const e of b.history) {
      const key = objectKey(e.object.metadata.namespace, e.object.metadata.name ?? '');
      if (e.rv <= rv || seen.has(key)) continue;
      seen.add(key);
      if (e.old) out.set(key, e.old);
      else out.delete(key);
    }
    return out;
  }

  count(t: ResourceType): number {
    return this.bucket(t).objects.size;
  }

  create(t: ResourceType, input: KubeObject): KubeObject {
    const b = this.bucket(t);
    const obj = clone(input);
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    const meta = obj.metadata;
    if (!t.namespaced) delete meta.namespace;
    if (!meta.name && meta.generateName) {
      do meta.name = meta.generateName + this.ids.suffix();
      while (b.objects.has(objectKey(meta.namespace, meta.name)));
    }
    const name = meta.name;
    if (!name) throw errors.invalid(t.kind, subject(t, ''), [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
    const key = objectKey(meta.namespace, name);
    if (b.objects.has(key)) throw errors.alreadyExists(subject(t, name));
    meta.uid = this.ids.uid();
    meta.creationTimestamp = nowTime(this.clock);
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (t.generation) meta.generation = 1;
    meta.resourceVersion = String(++this.rv);
    b.objects.set(key, obj);
    this.record(t, b, { type: 'ADDED', object: clone(obj), rv: this.rv });
    return clone(obj);
  }

  /** Replaces an object; identity fields are kept from the stored one. A write that changes nothing keeps the RV. */
  update(t: ResourceType, input: KubeObject, opts: UpdateOptions = {}): KubeObject {
    const b = this.bucket(t);
    const name = input.metadata.name ?? '';
    const ns = t.namespaced ? input.metadata.namespace : undefined;
    const key = objectKey(ns, name);
    const old = b.objects.get(key);
    if (!old) throw errors.notFound(subject(t, name));
    if (opts.expectRV !== undefined && opts.expectRV !== old.metadata.resourceVersion) throw errors.conflict(subject(t, name));
    const obj = clone(input);
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    const meta = obj.metadata;
    meta.uid = old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    if (ns) meta.namespace = ns;
    else delete meta.namespace;
    if (old.metadata.deletionTimestamp) {
      meta.deletionTimestamp = old.metadata.deletionTimestamp;
      meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    }
    if (t.generation) {
      meta.generation = old.metadata.generation ?? 1;
      if (!deepEqual(old.spec, obj.spec)) meta.generation += 1;
    }
    meta.resourceVersion = old.metadata.resourceVersion;
    if (sameContent(old, obj)) return clone(old);
    meta.resourceVersion = String(++this.rv);
    b.objects.set(key, obj);
    this.record(t, b, { type: 'MODIFIED', object: clone(obj), old: clone(old), rv: this.rv });
    return clone(obj);
  }

  /** Sets deletion fields, which a plain update may not touch. */
  markDeleting(t: ResourceType, ns: string | undefined, name: string, deletionTimestamp: string, graceSeconds: number): KubeObject {
    const cur = this.get(t, ns, name);
    if (!cur) throw errors.notFound(subject(t, name));
    const b = this.bucket(t);
    const key = objectKey(t.namespaced ? ns : undefined, name);
    const old = b.objects.get(key);
    if (!old) throw errors.notFound(subject(t, name));
    cur.metadata.deletionTimestamp = deletionTimestamp;
    cur.metadata.deletionGracePeriodSeconds = graceSeconds;
    if (sameContent(old, cur)) return clone(old);
    cur.metadata.resourceVersion = String(++this.rv);
    b.objects.set(key, cur);
    this.record(t, b, { type: 'MODIFIED', object: clone(cur), old: clone(old), rv: this.rv });
    return clone(cur);
  }

  remove(t: ResourceType, ns: string | undefined, name: string, opts: UpdateOptions = {}): KubeObject {
    const b = this.bucket(t);
    const key = objectKey(t.namespaced ? ns : undefined, name);
    const old = b.objects.get(key);
    if (!old) throw errors.notFound(subject(t, name));
    if (opts.expectRV !== undefined && opts.expectRV !== old.metadata.resourceVersion) throw errors.conflict(subject(t, name));
    b.objects.delete(key);
    const gone = clone(old);
    gone.metadata.resourceVersion = String(++this.rv);
    this.record(t, b, { type: 'DELETED', object: clone(gone), old: clone(old), rv: this.rv });
    return gone;
  }

  /** Events after `rv` for a watch, or 'expired' when history no longer reaches back that far. */
  eventsSince(t: ResourceType, rv: number): WatchEvent[] | 'expired' {
    const b = this.bucket(t);
    if (rv < b.compactedRV) return 'expired';
    return b.history.filter((e) => e.rv > rv).map((e) => clone(e));
  }

  /** Listeners see every change exactly once, in resourceVersion order, even when a listener writes. */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  observe(fn: () => void): () => void {
    this.observers.add(fn);
    return () => this.observers.delete(fn);
  }

  /** Wakes observers without a change, e.g. when a watch stream opens or closes. */
  poke(): void {
    for (const fn of [...this.observers]) fn();
  }

  private record(t: ResourceType, b: Bucket, event: WatchEvent): void {
    b.history.push(event);
    if (b.history.length > this.historyLimit) {
      const dropped = b.history.splice(0, b.history.length - this.historyLimit);
      const last = dropped[dropped.length - 1];
      if (last) b.compactedRV = last.rv;
    }
    this.queue.push({ type: t, event });
    if (this.draining) return;
    this.draining = true;
    try {
      for (let c = this.queue.shift(); c; c = this.queue.shift()) {
        for (const l of [...this.listeners]) {
          try {
            l(c);
          } catch (e) {
            // A faulty listener must not stop others from seeing the change.
            process.emitWarning(`kube sim: change listener failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
          }
        }
      }
    } finally {
      this.draining = false;
    }
    this.poke();
  }
}
