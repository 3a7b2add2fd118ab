// In-process watches: the HTTP front's replay-then-follow rules, each event delivered in order through the clock.
import type { Clock } from '../../clock/clock.js';
import type { Collection, StopWatch, WatchEventHandler, WatchQuery } from '../../kube/api.js';
import type { ApiFaults } from './memory-faults.js';
import { faultErrors } from './memory-faults.js';
import { OrderedDelivery } from './memory-delivery.js';
import { toJson } from './memory-calls.js';
import { typeByName } from './resources.js';
import type { ObjectStore } from './store.js';
import { visibleEvent, watchMatcher, watchStart } from './watch.js';

/** What every watch of one cluster shares. */
export interface WatchContext {
  readonly store: ObjectStore;
  readonly clock: Clock;
  /** Stop functions of the open watches, for counting and for closing the cluster. */
  readonly open: Set<StopWatch>;
}

/**
 * Opens a watch now (throws the simulator's 400 for a bad query). `onDone` runs once when the stream ends:
 * without an error after a 410 ERROR event or `timeoutSeconds`, with one when a fault breaks it.
 */
export function openWatch(
  ctx: WatchContext,
  faults: ApiFaults,
  collection: Collection,
  query: WatchQuery,
  onEvent: WatchEventHandler,
  onDone: (err?: unknown) => void,
): StopWatch {
  const t = typeByName(collection);
  const match = watchMatcher({ namespace: query.namespace ?? '', fieldSelector: query.fieldSelector ?? null, labelSelector: query.labelSelector ?? null });
  const start = watchStart(ctx.store, t, query.resourceVersion, query.namespace ?? '');
  const delivery = new OrderedDelivery(ctx.clock);
  // open: events flow; closing: the end is queued behind what is in flight; ended: nothing more reaches the client.
  let state: 'open' | 'closing' | 'ended' = 'open';
  let unsubscribe = (): void => {};
  let cancelTimeout = (): void => {};

  const release = (): void => {
    unsubscribe();
    cancelTimeout();
    delivery.cancel();
    if (ctx.open.delete(stop)) ctx.store.poke();
  };
  const stop: StopWatch = () => {
    state = 'ended';
    release();
  };
  const closeAfterQueued = (err?: unknown): void => {
    state = 'closing';
    unsubscribe();
    cancelTimeout();
    delivery.push(0, () => {
      if (state === 'ended') return;
      state = 'ended';
      release();
      onDone(err);
    });
  };
  const emit = (type: string, object: unknown): void => {
    if (state !== 'open') return;
    const fault = faults.onWatchEvent(collection);
    if ('drop' in fault) return closeAfterQueued(faultErrors.brokenWatch(`watching ${collection}`));
    const copy = toJson(object);
    delivery.push(fault.delayMs, () => {
      if (state !== 'ended') onEvent(type, copy);
    });
  };

  ctx.open.add(stop);
  ctx.store.poke();
  if ('expired' in start) {
    emit('ERROR', start.expired);
    if (state === 'open') closeAfterQueued();
    return stop;
  }
  unsubscribe = ctx.store.subscribe((c) => {
    if (c.type !== t) return;
    const ev = visibleEvent(match, c.event);
    if (ev) emit(ev.type, ev.object);
  });
  for (const o of start.initial) if (match(o)) emit('ADDED', o);
  for (const e of start.backlog) {
    const ev = visibleEvent(match, e);
    if (ev) emit(ev.type, ev.object);
  }
  const timeout = query.timeoutSeconds ?? 0;
  if (timeout > 0 && state === 'open') cancelTimeout = ctx.clock.setTimer(timeout * 1000, () => closeAfterQueued());
  return stop;
}
