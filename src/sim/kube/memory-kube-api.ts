// KubeApi in process: the HTTP simulator's handlers without HTTP, every answer delivered later through the clock.
import { CUSTOM_KINDS, type Collection, type CustomResource, type KubeApi, type LeaseRecord, type ListPage, type ListQuery, type NodeEventRecord, type StopWatch, type WatchEventHandler, type WatchQuery } from '../../kube/api.js';
import { KubeError } from '../../kube/errors.js';
import type { HandlerContext } from './handlers.js';
import type { SimRequest } from './memory-calls.js';
import { serve, toApiError } from './memory-calls.js';
import type { ApiCall, ApiFaults } from './memory-faults.js';
import { faultErrors, noFaults } from './memory-faults.js';
import { eventObject, leaseObject, leaseRecord } from './memory-records.js';
import type { WatchContext } from './memory-watch.js';
import { openWatch } from './memory-watch.js';
import type { KubeObject } from './types.js';

/** The cluster behind every view: shared store, deleter, clock and open watches. */
export type MemoryApiContext = HandlerContext & WatchContext & { readonly isClosed: () => boolean };

interface RawList {
  items: unknown[];
  metadata: { resourceVersion?: string; continue?: string };
}

const MERGE_PATCH = 'application/merge-patch+json';
const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';

/** One client's view of a MemoryCluster, with its own faults; get it from `cluster.api()`. */
export class MemoryKubeApi implements KubeApi {
  constructor(
    private readonly ctx: MemoryApiContext,
    private readonly faults: ApiFaults = noFaults,
    readonly origin = 'memory://kube-sim',
  ) {}

  list(collection: Collection, query: ListQuery): Promise<ListPage> {
    const q = { fieldSelector: query.fieldSelector, labelSelector: query.labelSelector, limit: query.limit === undefined ? undefined : String(query.limit), continue: query.continue };
    const namespace = query.namespace;
    return this.call({ verb: 'list', resource: collection, ...(namespace ? { namespace } : {}) }, `listing ${collection}`, () => {
      const list = this.serve({ verb: 'list', resource: collection, ...(namespace ? { namespace } : {}), query: q }) as RawList;
      return { items: list.items, resourceVersion: list.metadata.resourceVersion ?? '', continueToken: list.metadata.continue || undefined };
    });
  }

  watch(collection: Collection, query: WatchQuery, onEvent: WatchEventHandler, onDone: (err?: unknown) => void): Promise<StopWatch> {
    const namespace = query.namespace;
    return this.call({ verb: 'watch', resource: collection, ...(namespace ? { namespace } : {}) }, `watching ${collection}`, () => openWatch(this.ctx, this.faults, collection, query, onEvent, onDone));
  }

  readNode(name: string): Promise<unknown> {
    return this.call({ verb: 'get', resource: 'nodes', name }, `reading node ${name}`, () => this.serve({ verb: 'get', resource: 'nodes', name }));
  }

  patchNode(name: string, patch: object): Promise<unknown> {
    return this.call({ verb: 'patch', resource: 'nodes', name }, `patching node ${name}`, () =>
      this.serve({ verb: 'patch', resource: 'nodes', name, body: patch, contentType: MERGE_PATCH }),
    );
  }

  patchNodeStatus(name: string, patch: object): Promise<unknown> {
    return this.call({ verb: 'patch', resource: 'nodes', name, subresource: 'status' }, `patching the status of node ${name}`, () =>
      this.serve({ verb: 'patch', resource: 'nodes', name, subresource: 'status', body: patch, contentType: STRATEGIC_MERGE_PATCH }),
    );
  }

  async evictPod(namespace: string, name: string, uid: string): Promise<void> {
    const body = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace }, deleteOptions: { preconditions: { uid } } };
    await this.call({ verb: 'evict', resource: 'pods', namespace, name }, `evicting pod ${namespace}/${name}`, () =>
      this.serve({ verb: 'create', resource: 'pods', namespace, name, subresource: 'eviction', body }),
    );
  }

  async deletePod(namespace: string, name: string, uid: string): Promise<void> {
    await this.call({ verb: 'delete', resource: 'pods', namespace, name }, `deleting pod ${namespace}/${name}`, () =>
      this.serve({ verb: 'delete', resource: 'pods', namespace, name, body: { preconditions: { uid } } }),
    );
  }

  readLease(namespace: string, name: string): Promise<LeaseRecord> {
    return this.call({ verb: 'get', resource: 'leases', namespace, name }, `reading Lease ${namespace}/${name}`, () =>
      leaseRecord(this.serve({ verb: 'get', resource: 'leases', namespace, name }) as KubeObject),
    );
  }

  createLease(namespace: string, name: string, lease: LeaseRecord): Promise<LeaseRecord> {
    const body = leaseObject(namespace, name, lease, false);
    return this.call({ verb: 'create', resource: 'leases', namespace, name }, `creating Lease ${namespace}/${name}`, () =>
      leaseRecord(this.serve({ verb: 'create', resource: 'leases', namespace, body }) as KubeObject),
    );
  }

  replaceLease(namespace: string, name: string, lease: LeaseRecord): Promise<LeaseRecord> {
    const body = leaseObject(namespace, name, lease, true);
    return this.call({ verb: 'replace', resource: 'leases', namespace, name }, `updating Lease ${namespace}/${name}`, () =>
      leaseRecord(this.serve({ verb: 'update', resource: 'leases', namespace, name, body }) as KubeObject),
    );
  }

  async createEvent(namespace: string, event: NodeEventRecord): Promise<void> {
    const body = eventObject(namespace, event);
    await this.call({ verb: 'create', resource: 'events', namespace, name: event.name }, `recording ${event.reason} event for node ${event.node.name}`, () =>
      this.serve({ verb: 'create', resource: 'events', namespace, body }),
    );
  }

  readCustom(resource: CustomResource, name: string): Promise<unknown> {
    return this.call({ verb: 'get', resource, name }, `reading ${CUSTOM_KINDS[resource]} ${name}`, () => this.serve({ verb: 'get', resource, name }));
  }

  createCustom(resource: CustomResource, body: object): Promise<unknown> {
    return this.call({ verb: 'create', resource }, `creating a ${CUSTOM_KINDS[resource]}`, () => this.serve({ verb: 'create', resource, body }));
  }

  patchCustom(resource: CustomResource, name: string, patch: object, subresource?: 'status'): Promise<unknown> {
    const what = `patching ${CUSTOM_KINDS[resource]} ${name}${subresource ? ' status' : ''}`;
    return this.call({ verb: 'patch', resource, name, ...(subresource ? { subresource } : {}) }, what, () =>
      this.serve({ verb: 'patch', resource, name, body: patch, contentType: MERGE_PATCH, ...(subresource ? { subresource } : {}) }),
    );
  }

  replaceCustomStatus(resource: CustomResource, name: string, status: object): Promise<unknown> {
    return this.call({ verb: 'patch', resource, name, subresource: 'status' }, `replacing the status of ${CUSTOM_KINDS[resource]} ${name}`, () =>
      this.serve({ verb: 'patch', resource, name, body: [{ op: 'add', path: '/status', value: status }], contentType: JSON_PATCH, subresource: 'status' }),
    );
  }

  private serve(req: SimRequest): unknown {
    return serve(this.ctx, req);
  }

  /**
   * Asks the faults now, in call order, then acts and answers on one clock timer: never inside the call,
   * so no client can depend on a synchronous answer the real API never gives.
   */
  private call<T>(call: ApiCall, what: string, run: () => T): Promise<T> {
    const closed = () => new KubeError('unavailable', `${what}: the in-process cluster is closed`);
    // Not through the clock: nothing may have to run a closed cluster's clock to learn that it is closed.
    if (this.ctx.isClosed()) return Promise.reject(closed());
    const fault = this.faults.onCall(call);
    return new Promise<T>((resolve, reject) => {
      this.ctx.clock.setTimer(fault.latencyMs ?? 0, () => {
        if (this.ctx.isClosed()) return reject(closed());
        if (fault.kind === 'fail') return reject(fault.error);
        if (fault.kind === 'lost-answer') {
          // Applied, whatever the outcome; a watch is not opened, since its stream would be lost with the answer.
          if (call.verb !== 'watch') attempt(run);
          return reject(faultErrors.timeout(what));
        }
        try {
          resolve(run());
        } catch (err) {
          reject(toApiError(err, what));
        }
      });
    });
  }
}

function attempt(run: () => unknown): void {
  try {
    run();
  } catch {
    // The caller never learns the outcome of a call whose answer was lost.
  }
}
