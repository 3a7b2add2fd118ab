import type { Clock } from '../clock/clock.js';
import type { Collection, KubeApi, StopWatch } from './api.js';
import { KubeError, toKubeError } from './errors.js';

export type CacheEvent<T> =
  | { readonly type: 'added'; readonly key: string; readonly current: T }
  | { readonly type: 'modified'; readonly key: string; readonly current: T; readonly previous: T }
  | { readonly type: 'deleted'; readonly key: string; readonly previous: T };

export interface ReflectorOptions<T> {
  /** What is cached, for logs and errors ("nodes", "pods on node-3"). */
  readonly what: string;
  readonly api: KubeApi;
  readonly clock: Clock;
  readonly collection: Collection;
  /** Only this namespace (namespaced collections); unset: all. */
  readonly namespace?: string;
  readonly fieldSelector?: string;
  readonly labelSelector?: string;
  /** Items per list page: each page is parsed whole, so small pages keep the peak heap low. */
  readonly pageSize: number;
  readonly transform: (raw: unknown) => T;
  readonly keyOf: (item: T) => string;
  /** Equal items raise no event (kubelet heartbeats change nothing we keep). */
  readonly equal: (a: T, b: T) => boolean;
  readonly onError?: (err: KubeError) => void;
  /** Longest pause between restarts after errors. */
  readonly maxBackoffMs?: number;
  readonly watchTimeoutSeconds?: number;
  /** Jitter source for backoff and watch timeouts (0 <= x < 1). */
  readonly random?: () => number;
}

type Listener<T> = (event: CacheEvent<T>) => void;

/**
 * List-then-watch cache (an informer): pages through the collection, watches from the list's
 * resourceVersion, resumes after a server-side close, relists on 410 Gone and restarts with
 * backoff after any other error. Keeps only the transformed items.
 */
export class Reflector<T> {
  private readonly items = new Map<string, T>();
  private readonly listeners = new Set<Listener<T>>();
  /** `waitFor` checks: run after every applied event, even one that changes nothing we keep. */
  private readonly checks = new Set<() => void>();
  private resourceVersion = '';
  private running = false;
  private stopWatch: StopWatch | undefined;
  private failures = 0;
  private syncedFlag = false;
  /** Bumped by every list and every stop: answers of an older watch or list are ignored. */
  private generation = 0;
  private readonly syncWaiters: (() => void)[] = [];
  private cancelRetry: (() => void) | undefined;
  private readonly random: () => number;

  constructor(private readonly opts: ReflectorOptions<T>) {
    this.random = opts.random ?? Math.random;
  }

  get synced(): boolean {
    return this.syncedFlag;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  values(): IterableIterator<T> {
    return this.items.values();
  }

  get size(): number {
    return this.items.size;
  }

  /** The namespace and selectors of every list and watch call. */
  private selection(): { namespace?: string; fieldSelector?: string; labelSelector?: string } {
    const { namespace, fieldSelector, labelSelector } = this.opts;
    return { ...(namespace ? { namespace } : {}), ...(fieldSelector ? { fieldSelector } : {}), ...(labelSelector ? { labelSelector } : {}) };
  }

  on(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every item, listed once from the API page by page, for one-shot commands; the cache is left alone. Throws a KubeError. */
  async listOnce(): Promise<T[]> {
    const out: T[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.opts.api.list(this.opts.collection, { limit: this.opts.pageSize, ...this.selection(), ...(token ? { continue: token } : {}) });
        for (const raw of page.items) out.push(this.opts.transform(raw));
        token = page.continueToken;
      } while (token);
    } catch (err) {
      throw toKubeError(err, `listing ${this.opts.what}`);
    }
    return out;
  }

  /** Resolves after the first complete list. */
  whenSynced(): Promise<void> {
    if (this.syncedFlag) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Resolves with the first truthy result of `check`, evaluated now and after every change. */
  waitFor<R>(check: () => R | undefined | false, timeoutMs: number): Promise<R> {
    const first = check();
    if (first) return Promise.resolve(first);
    return new Promise((resolve, reject) => {
      const cancel = this.opts.clock.setTimer(timeoutMs, () => {
        off();
        reject(new KubeError('timeout', `${this.opts.what}: the watch did not show the expected change within ${timeoutMs} ms`));
      });
      const recheck = (): void => {
        const result = check();
        if (!result) return;
        cancel();
        off();
        resolve(result);
      };
      const off = (): void => void this.checks.delete(recheck);
      this.checks.add(recheck);
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.relist();
  }

  stop(): void {
    this.running = false;
    this.stopWatching();
  }

  /**
   * Lists again now (a consistent read) and watches from there: afterwards the cache holds everything
   * committed before the call. Throws a KubeError when the list fails.
   */
  async resync(): Promise<void> {
    this.stopWatching();
    try {
      while (!(await this.listAndReplace())) {
        if (!this.running) return;
        // another relist started meanwhile: list again so this call's promise holds
      }
    } catch (err) {
      const kubeErr = toKubeError(err, `listing ${this.opts.what}`);
      this.retryLater(kubeErr, true);
      throw kubeErr;
    }
    void this.watchFrom();
  }

  private stopWatching(): void {
    this.generation += 1;
    this.cancelRetry?.();
    this.stopWatch?.();
    this.stopWatch = undefined;
  }

  private async relist(): Promise<void> {
    if (!this.running) return;
    try {
      if (await this.listAndReplace()) await this.watchFrom();
    } catch (err) {
      this.retryLater(toKubeError(err, `listing ${this.opts.what}`), true);
    }
  }

  /** False when the list was overtaken by a newer one (or the reflector stopped) and not applied. */
  private async listAndReplace(): Promise<boolean> {
    const generation = ++this.generation;
    const fresh = new Map<string, T>();
    let token: string | undefined;
    let rv = '';
    do {
      const page = await this.opts.api.list(this.opts.collection, {
        limit: this.opts.pageSize,
        ...this.selection(),
        ...(token ? { continue: token } : {}),
      });
      for (const raw of page.items) {
        const item = this.opts.transform(raw);
        fresh.set(this.opts.keyOf(item), item);
      }
      rv = page.resourceVersion;
      token = page.continueToken;
    } while (token && this.running && generation === this.generation);
    if (!this.running || generation !== this.generation) return false;
    this.replaceAll(fresh);
    this.resourceVersion = rv;
    this.markSynced();
    return true;
  }

  private async watchFrom(): Promise<void> {
    if (!this.running) return;
    const generation = this.generation;
    const current = (): boolean => this.running && generation === this.generation;
    let expired = false;
    const query = {
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: true,
      ...this.selection(),
      timeoutSeconds: this.opts.watchTimeoutSeconds ?? 240 + Math.floor(this.random() * 60),
    };
    const onEvent = (type: string, obj: unknown): void => {
      if (!current()) return;
      if (type === 'ERROR') {
        expired = (obj as { code?: number } | undefined)?.code === 410;
        return;
      }
      if (type === 'BOOKMARK') {
        this.resourceVersion = (obj as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion ?? this.resourceVersion;
        return;
      }
      this.failures = 0;
      this.apply(type, obj);
    };
    const onDone = (err: unknown): void => {
      if (!current()) return;
      if (expired) return void this.relist();
      if (err) return this.retryLater(toKubeError(err, `watching ${this.opts.what}`), false);
      void this.watchFrom(); // server closed a healthy watch: resume where we were
    };
    try {
      const stop = await this.opts.api.watch(this.opts.collection, query, onEvent, onDone);
      if (current()) this.stopWatch = stop;
      else stop();
    } catch (err) {
      if (current()) this.retryLater(toKubeError(err, `watching ${this.opts.what}`), false);
    }
  }

  private apply(type: string, raw: unknown): void {
    const item = this.opts.transform(raw);
    const key = this.opts.keyOf(item);
    const rv = (raw as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    const previous = this.items.get(key);
    if (type === 'DELETED') {
      if (previous === undefined) return;
      this.items.delete(key);
      this.emit({ type: 'deleted', key, previous });
      this.runChecks();
      return;
    }
    this.items.set(key, item);
    if (previous === undefined) this.emit({ type: 'added', key, current: item });
    else if (!this.opts.equal(previous, item)) this.emit({ type: 'modified', key, current: item, previous });
    this.runChecks();
  }

  private runChecks(): void {
    for (const check of [...this.checks]) check();
  }

  private replaceAll(fresh: Map<string, T>): void {
    for (const [key, previous] of this.items) {
      if (!fresh.has(key)) {
        this.items.delete(key);
        this.emit({ type: 'deleted', key, previous });
      }
    }
    for (const [key, current] of fresh) {
      const previous = this.items.get(key);
      this.items.set(key, current);
      if (previous === undefined) this.emit({ type: 'added', key, current });
      else if (!this.opts.equal(previous, current)) this.emit({ type: 'modified', key, current, previous });
    }
    this.runChecks();
  }

  private retryLater(err: KubeError, relist: boolean): void {
    if (!this.running) return;
    this.opts.onError?.(err);
    this.failures += 1;
    const delay = Math.min(this.opts.maxBackoffMs ?? 30_000, 200 * 2 ** Math.min(this.failures, 10));
    this.cancelRetry = this.opts.clock.setTimer(delay * (0.5 + this.random() / 2), () => void (relist ? this.relist() : this.watchFrom()));
  }

  private markSynced(): void {
    if (this.syncedFlag) return;
    this.syncedFlag = true;
    for (const resolve of this.syncWaiters.splice(0)) resolve();
  }

  private emit(event: CacheEvent<T>): void {
    for (const listener of this.listeners) listener(event);
  }
}
