// Watch streams: newline-delimited events from a resourceVersion, filtered, with bookmarks and 410 Expired.
import type { ServerResponse } from 'node:http';
import type { StatusBody } from './errors.js';
import { errors } from './errors.js';
import type { RequestInfo } from './request-info.js';
import type { ResourceType } from './resources.js';
import { apiVersionOf } from './resources.js';
import type { Matcher } from './selectors.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { ObjectStore } from './store.js';
import type { KubeObject, WatchEvent } from './types.js';

/** What a watch selects; the HTTP front takes namespace and name from the URL. */
export interface WatchFilter {
  namespace?: string;
  name?: string;
  fieldSelector?: string | null;
  labelSelector?: string | null;
}

/** Matches a watch's namespace, name and selectors; a malformed selector throws 400. */
export function watchMatcher(f: WatchFilter): Matcher {
  const field = parseFieldSelector(f.fieldSelector ?? null);
  const label = parseLabelSelector(f.labelSelector ?? null);
  return (o: KubeObject) => (!f.namespace || o.metadata.namespace === f.namespace) && (!f.name || o.metadata.name === f.name) && field(o) && label(o);
}

/** What a watcher sees of a change: entering its selection is ADDED, leaving it DELETED, elsewhere nothing. */
export function visibleEvent(match: Matcher, ev: WatchEvent): { type: string; object: KubeObject } | undefined {
  const now = match(ev.object);
  const before = ev.type === 'MODIFIED' && ev.old ? match(ev.old) : now;
  if (ev.type === 'MODIFIED' && now !== before) return { type: now ? 'ADDED' : 'DELETED', object: ev.object };
  return now ? { type: ev.type, object: ev.object } : undefined;
}

/**
 * Where a watch from `rvParam` starts: the current objects when it is empty or "0", else the history after
 * it, or a 410 Expired Status when the history no longer reaches back. A malformed version throws 400.
 */
export function watchStart(store: ObjectStore, t: ResourceType, rvParam: string, namespace: string): { initial: KubeObject[]; backlog: WatchEvent[] } | { expired: StatusBody } {
  if (rvParam === '' || rvParam === '0') return { initial: store.list(t, namespace || undefined), backlog: [] };
  const fromRV = Number(rvParam);
  if (!Number.isInteger(fromRV)) throw errors.badRequest(`invalid resource version: ${rvParam}`);
  const since = store.eventsSince(t, fromRV);
  if (since === 'expired') return { expired: errors.gone(`too old resource version: ${fromRV} (${store.currentRV()})`).toStatus() };
  return { initial: [], backlog: since };
}

/** An empty object of the type as Go serialises it (fields without omitempty stay), carrying only a resourceVersion. */
function bookmarkObject(t: ResourceType, resourceVersion: string, annotations?: Record<string, string>): Record<string, unknown> {
  const metadata = annotations ? { resourceVersion, annotations } : { resourceVersion };
  const empty: Record<string, Record<string, unknown>> = {
    pods: { spec: { containers: null }, status: {} },
    nodes: { spec: {}, status: { daemonEndpoints: { kubeletEndpoint: { Port: 0 } }, nodeInfo: Object.fromEntries(NODE_INFO_FIELDS.map((f) => [f, ''])) } },
  };
  return { kind: t.kind, apiVersion: apiVersionOf(t), metadata, ...empty[t.resource] };
}

const NODE_INFO_FIELDS = ['machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'containerRuntimeVersion', 'kubeletVersion', 'kubeProxyVersion', 'operatingSystem', 'architecture'];

interface Stream {
  resource: string;
  res: ServerResponse;
  stop(): void;
}

export interface WatchHubOptions {
  bookmarkIntervalMs: number;
}

export class WatchHub {
  private readonly streams = new Set<Stream>();

  constructor(
    private readonly store: ObjectStore,
    private readonly opts: WatchHubOptions,
  ) {}

  /** Serves a watch; selector and version errors throw before any byte is written. */
  open(t: ResourceType, info: RequestInfo, res: ServerResponse): void {
    const q = info.query;
    const match = watchMatcher({ namespace: info.namespace, name: info.name, fieldSelector: q.get('fieldSelector'), labelSelector: q.get('labelSelector') });
    const start = watchStart(this.store, t, q.get('resourceVersion') ?? '', info.namespace);

    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const send = (type: string, object: unknown) => {
      if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify({ type, object })}\n`);
    };

    if ('expired' in start) {
      send('ERROR', start.expired);
      res.end();
      return;
    }

    const deliver = (ev: WatchEvent) => {
      const seen = visibleEvent(match, ev);
      if (seen) send(seen.type, seen.object);
    };
    const timers: NodeJS.Timeout[] = [];
    const unsubscribe = this.store.subscribe((c) => {
      if (c.type === t) deliver(c.event);
    });
    const stream: Stream = {
      resource: t.resource,
      res,
      stop: () => {
        unsubscribe();
        for (const tm of timers) clearTimeout(tm);
        if (this.streams.delete(stream)) this.store.poke();
      },
    };
    this.streams.add(stream);
    res.on('close', () => stream.stop());
    this.store.poke();

    for (const o of start.initial) if (match(o)) send('ADDED', o);
    const bookmarks = info.query.get('allowWatchBookmarks') === 'true';
    // From no version or "0" the initial state ends with a bookmark saying so, as kube-apiserver 1.36 sends it.
    if (bookmarks && ['', '0'].includes(q.get('resourceVersion') ?? '')) send('BOOKMARK', bookmarkObject(t, String(this.store.currentRV()), { 'k8s.io/initial-events-end': 'true' }));
    for (const ev of start.backlog) deliver(ev);

    const timeout = Number(info.query.get('timeoutSeconds') ?? '0');
    if (timeout > 0) timers.push(setTimeout(() => res.end(), timeout * 1000));
    if (bookmarks) {
      const bookmark = () => send('BOOKMARK', bookmarkObject(t, String(this.store.currentRV())));
      timers.push(setInterval(bookmark, this.opts.bookmarkIntervalMs));
    }
  }

  /** Ends streams abruptly, as when a connection to the API server breaks. */
  drop(resource?: string): number {
    let n = 0;
    for (const s of [...this.streams]) {
      if (resource !== undefined && s.resource !== resource) continue;
      s.stop();
      s.res.destroy();
      n++;
    }
    return n;
  }

  /** Ends every stream cleanly (server shutdown). */
  closeAll(): void {
    for (const s of [...this.streams]) {
      s.stop();
      s.res.end();
    }
  }

  get openCount(): number {
    return this.streams.size;
  }
}
