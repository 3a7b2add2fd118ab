// Waiting on KubeApi answers in tests: the KubeError a call fails with, and a watch's events one at a time.
import type { Collection, KubeApi, StopWatch, WatchQuery } from '../../src/kube/api.js';
import { KubeError } from '../../src/kube/errors.js';

/** The KubeError `p` rejects with; anything else (or success) fails the test. */
export async function rejection(p: Promise<unknown>): Promise<KubeError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof KubeError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

export interface WatchedObject {
  kind?: string;
  code?: number;
  reason?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; [k: string]: unknown };
  spec?: Record<string, unknown>;
}

export interface RecordedEvent {
  type: string;
  object: WatchedObject;
}

export interface WatchRecorder {
  /** Every event so far, in delivery order. */
  readonly events: RecordedEvent[];
  /** The next event not yet taken by `next`. */
  next(): Promise<RecordedEvent>;
  /** Resolves with what `onDone` was called with, once it is. */
  readonly done: Promise<{ err: unknown }>;
  isDone(): boolean;
  readonly stop: StopWatch;
}

export async function recordWatch(api: KubeApi, collection: Collection, query: WatchQuery): Promise<WatchRecorder> {
  const events: RecordedEvent[] = [];
  let taken = 0;
  const waiters: ((e: RecordedEvent) => void)[] = [];
  let finished = false;
  let finish: (v: { err: unknown }) => void = () => {};
  const done = new Promise<{ err: unknown }>((resolve) => (finish = resolve));
  const stop = await api.watch(
    collection,
    query,
    (type, object) => {
      const e = { type, object: object as WatchedObject };
      events.push(e);
      const w = waiters.shift();
      if (w) {
        taken++;
        w(e);
      }
    },
    (err) => {
      finished = true;
      finish({ err });
    },
  );
  return {
    events,
    next: () => {
      const e = events[taken];
      if (e) {
        taken++;
        return Promise.resolve(e);
      }
      return new Promise((resolve) => waiters.push(resolve));
    },
    done,
    isDone: () => finished,
    stop,
  };
}

/** `metadata.name` of each event's object, for compact assertions. */
export function names(events: readonly RecordedEvent[]): string[] {
  return events.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}`);
}
