// Watch streams: newline-delimited events from a resourceVersion, filtered, with bookmarks and 410 Expired.
import type { ServerResponse } from 'node:http';
import { errors } from './errors.js';
import type { RequestInfo } from './request-info.js';
import type { ResourceType } from './resources.js';
import { apiVersionOf } from './resources.js';
import type { Matcher } from './selectors.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { ObjectStore } from './store.js';
import type { KubeObject, WatchEvent } from './types.js';

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

  /** Matches the request's namespace, name and selectors. */
  private matcher(info: RequestInfo): Matcher {
    const field = parseFieldSelector(info.query.get('fieldSelector'));
    const label = parseLabelSelector(info.query.get('labelSelector'));
    return (o: KubeObject) =>
      (!info.namespace || o.metadata.namespace === info.namespace) && (!info.name || o.metadata.name === info.name) && field(o) && label(o);
  }

  /** Serves a watch; selector errors throw before any byte is written. */
  open(t: ResourceType, info: RequestInfo, res: ServerResponse): void {
    const match = this.matcher(info);
    const rvParam = info.query.get('resourceVersion') ?? '';
    const fromRV = rvParam === '' || rvParam === '0' ? undefined : Number(rvParam);
    if (fromRV !== undefined && !Number.isInteger(fromRV)) throw errors.badRequest(`invalid resource version: ${rvParam}`);

    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const send = (type: string, object: unknown) => {
      if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify({ type, object })}\n`);
    };

    let backlog: WatchEvent[] = [];
    if (fromRV !== undefined) {
      const since = this.store.eventsSince(t, fromRV);
      if (since === 'expired') {
        const e = errors.gone(`too old resource version: ${fromRV} (${this.store.currentRV()})`);
        send('ERROR', e.toStatus());
        res.end();
        return;
      }
      backlog = since;
    }

    const deliver = (ev: WatchEvent) => {
      const now = match(ev.object);
      const before = ev.type === 'MODIFIED' && ev.old ? match(ev.old) : now;
      if (ev.type === 'MODIFIED' && now !== before) send(now ? 'ADDED' : 'DELETED', ev.object);
      else if (now) send(ev.type, ev.object);
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

    if (fromRV === undefined) for (const o of this.store.list(t, info.namespace || undefined)) if (match(o)) send('ADDED', o);
    for (const ev of backlog) deliver(ev);

    const timeout = Number(info.query.get('timeoutSeconds') ?? '0');
    if (timeout > 0) timers.push(setTimeout(() => res.end(), timeout * 1000));
    if (info.query.get('allowWatchBookmarks') === 'true') {
      const bookmark = () => send('BOOKMARK', { kind: t.kind, apiVersion: apiVersionOf(t), metadata: { resourceVersion: String(this.store.currentRV()) } });
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
