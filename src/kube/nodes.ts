import type { Clock } from '../clock/clock.js';
import { retry } from '../clock/retry.js';
import type { KubeApi } from './api.js';
import { KubeError, isRetryable } from './errors.js';
import { conditionsPatchOf, patchOf, sameView, toNodeView, type ConditionWrite, type NodeChange, type NodeView } from './node-view.js';
import { Reflector, type CacheEvent } from './reflector.js';

export type NodeEvent = CacheEvent<NodeView>;

/** What a compare-and-swap decided on the freshest Node: the change to write (if any) and the outcome. */
export interface Decision<O, W = NodeChange> {
  readonly write?: W;
  readonly outcome: O;
}

export type CasResult<O> =
  /** `decide` ran on the Node as the API server had it; `node` is as written (or as read, when nothing was written). */
  | { readonly fenced: false; readonly node: NodeView; readonly outcome: O; readonly wrote: boolean }
  /** `mayWrite` said no before a write could leave: nothing was sent. */
  | { readonly fenced: true };

export interface CasOptions {
  /** Checked right before each write is sent (leadership): false stops the CAS with nothing sent. */
  readonly mayWrite?: () => boolean;
  readonly attempts?: number;
}

export interface NodeCacheOptions {
  readonly api: KubeApi;
  readonly clock: Clock;
  readonly onError?: (err: KubeError) => void;
  /** Items per list page (25 real Nodes are ~1 MB of JSON). */
  readonly pageSize?: number;
  /** When two views raise no event; default `sameView` (heartbeats are not events). */
  readonly equal?: (a: NodeView, b: NodeView) => boolean;
  readonly random?: () => number;
}

/** Watch-fed cache of every Node (slim views), and compare-and-swap writes to Nodes. */
export class NodeCache extends Reflector<NodeView> {
  constructor(private readonly o: NodeCacheOptions) {
    super({
      what: 'nodes',
      api: o.api,
      clock: o.clock,
      collection: 'nodes',
      pageSize: o.pageSize ?? 25,
      transform: toNodeView,
      keyOf: (node) => node.name,
      equal: o.equal ?? sameView,
      ...(o.onError ? { onError: o.onError } : {}),
      ...(o.random ? { random: o.random } : {}),
    });
  }

  /** Waits until the cache holds `name` at `resourceVersion` or later (the watch is ordered); undefined once deleted. */
  async caughtUp(name: string, resourceVersion: string, timeoutMs: number): Promise<NodeView | undefined> {
    const r = await this.waitFor(() => {
      const node = this.get(name);
      if (node === undefined) return { gone: true as const };
      return atLeast(node.resourceVersion, resourceVersion) ? { node } : undefined;
    }, timeoutMs);
    return 'node' in r ? r.node : undefined;
  }

  /** A fresh read from the API, bypassing the cache. */
  async read(name: string): Promise<NodeView> {
    return toNodeView(await this.o.api.readNode(name));
  }

  /**
   * Compare-and-swap: `decide` runs on the cached Node and the change is written at its resourceVersion;
   * on a conflict the Node is read again and `decide` runs again, so the outcome is always decided on the
   * Node as the API server had it. API failures are retried with backoff, then thrown (the write's fate
   * is then unknown: it may have committed).
   */
  cas<O>(name: string, decide: (node: NodeView) => Decision<O>, opts: CasOptions = {}): Promise<CasResult<O>> {
    return this.casWith(name, decide, (change, rv) => this.o.api.patchNode(name, patchOf(change, rv)), opts);
  }

  /** As `cas`, for lifecycle conditions: written through the status subresource, where they merge by type with the kubelet's. */
  casConditions<O>(name: string, decide: (node: NodeView) => Decision<O, readonly ConditionWrite[]>, opts: CasOptions = {}): Promise<CasResult<O>> {
    return this.casWith(name, decide, (conditions, rv) => this.o.api.patchNodeStatus(name, conditionsPatchOf(conditions, rv)), opts);
  }

  private async casWith<O, W>(name: string, decide: (node: NodeView) => Decision<O, W>, send: (write: W, resourceVersion: string) => Promise<unknown>, opts: CasOptions): Promise<CasResult<O>> {
    let node = this.get(name) ?? (await this.read(name));
    let fenced = false;
    const result = await retry(
      async () => {
        const decision = decide(node);
        if (!decision.write) return { node, outcome: decision.outcome, wrote: false };
        if (opts.mayWrite && !opts.mayWrite()) {
          fenced = true;
          return undefined;
        }
        try {
          const written = toNodeView(await send(decision.write, node.resourceVersion));
          return { node: written, outcome: decision.outcome, wrote: true };
        } catch (err) {
          if (err instanceof KubeError && err.code === 'conflict') node = await this.read(name);
          throw err;
        }
      },
      {
        clock: this.o.clock,
        retries: (opts.attempts ?? 6) - 1,
        minMs: 50,
        maxMs: 2000,
        ...(this.o.random ? { random: this.o.random } : {}),
        shouldRetry: (err) => err instanceof KubeError && (err.code === 'conflict' || isRetryable(err)),
      },
    );
    if (fenced || !result) return { fenced: true };
    return { fenced: false, ...result };
  }
}

/** resourceVersions are opaque, but every real server issues increasing integers; fall back to equality. */
export function atLeast(current: string, target: string): boolean {
  if (/^\d+$/.test(current) && /^\d+$/.test(target)) return BigInt(current) >= BigInt(target);
  return current === target;
}
