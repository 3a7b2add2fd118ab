// The contract between reboot-manager and a Kubernetes API server. `RestKubeApi` speaks it over HTTP;
// `MemoryKubeApi` (src/sim/kube/memory-api.ts) implements it in process for fast tests and the simulation.
// Every method either resolves or throws a `KubeError`.

/** One page of a list call, as plain JSON items. */
export interface ListPage {
  readonly items: readonly unknown[];
  readonly resourceVersion: string;
  readonly continueToken: string | undefined;
}

export interface ListQuery {
  /** Only this namespace's objects (pods); unset: every namespace. */
  readonly namespace?: string;
  readonly fieldSelector?: string;
  readonly labelSelector?: string;
  readonly limit?: number;
  readonly continue?: string;
}

export interface WatchQuery {
  readonly resourceVersion: string;
  readonly namespace?: string;
  readonly fieldSelector?: string;
  readonly labelSelector?: string;
  readonly allowWatchBookmarks?: boolean;
  readonly timeoutSeconds?: number;
}

/** `type` is ADDED, MODIFIED, DELETED, BOOKMARK or ERROR (then `object` is a Status, code 410 when expired). */
export type WatchEventHandler = (type: string, object: unknown) => void;

/** Stops a watch; `onDone` is not called after it. */
export type StopWatch = () => void;

/** A coordination.k8s.io/v1 Lease as leader election uses it; times are RFC 3339 with microseconds. */
export interface LeaseRecord {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime: string | undefined;
  readonly renewTime: string | undefined;
  readonly leaseTransitions: number;
  /** Set on records read from the API; an update carrying it is a compare-and-swap. */
  readonly resourceVersion?: string;
}

/** A core/v1 Event about a Node (or, with `kind`, another cluster-scoped object such as the RebootPolicy). */
export interface NodeEventRecord {
  readonly name: string;
  readonly node: { readonly name: string; readonly uid: string };
  /** The involved object's kind when it is not a Node. */
  readonly kind?: 'RebootPolicy' | 'MaintenanceRequest';
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
  readonly instance: string;
  /** RFC 3339. */
  readonly time: string;
}

/** Where a collection lives in the API: its group/version path and whether it is namespaced. */
export interface CollectionPath {
  /** `/api/v1` or `/apis/<group>/<version>`. */
  readonly prefix: string;
  readonly namespaced: boolean;
}

/** Collections reboot-manager lists and watches; the policy watches start only when a rule needs them. */
export const COLLECTIONS = {
  nodes: { prefix: '/api/v1', namespaced: false },
  pods: { prefix: '/api/v1', namespaced: true },
  poddisruptionbudgets: { prefix: '/apis/policy/v1', namespaced: true },
  deployments: { prefix: '/apis/apps/v1', namespaced: true },
  statefulsets: { prefix: '/apis/apps/v1', namespaced: true },
  replicasets: { prefix: '/apis/apps/v1', namespaced: true },
  rebootpolicies: { prefix: '/apis/rebootmanager.io/v1alpha1', namespaced: false },
  maintenancerequests: { prefix: '/apis/rebootmanager.io/v1alpha1', namespaced: false },
} as const satisfies Record<string, CollectionPath>;

/** This project's own cluster-scoped resources (CRDs in kubernetes/base), by plural, with their kinds. */
export const CUSTOM_KINDS = { rebootpolicies: 'RebootPolicy', maintenancerequests: 'MaintenanceRequest' } as const;

export type CustomResource = keyof typeof CUSTOM_KINDS;

export type Collection = keyof typeof COLLECTIONS;

/** The RebootPolicy CRD's API version: the policy object reboot-manager reads. */
export const POLICY_API_VERSION = 'rebootmanager.io/v1alpha1';

export interface KubeApi {
  /** The API server's origin, safe to log. */
  readonly origin: string;
  list(collection: Collection, query: ListQuery): Promise<ListPage>;
  /** Resolves once the watch is open; `onDone` is called once when it ends (with the error, if any). */
  watch(collection: Collection, query: WatchQuery, onEvent: WatchEventHandler, onDone: (err?: unknown) => void): Promise<StopWatch>;
  readNode(name: string): Promise<unknown>;
  /** A JSON merge patch; with `metadata.resourceVersion` in it, a compare-and-swap (409 when stale). */
  patchNode(name: string, patch: object): Promise<unknown>;
  /** A strategic merge patch of the Node's `status` subresource (conditions merge by type); with `metadata.resourceVersion`, a compare-and-swap. */
  patchNodeStatus(name: string, patch: object): Promise<unknown>;
  /** policy/v1 Eviction pinned to `uid`. */
  evictPod(namespace: string, name: string, uid: string): Promise<void>;
  /** Deletes with the pod's own grace period, pinned to `uid`. */
  deletePod(namespace: string, name: string, uid: string): Promise<void>;
  readLease(namespace: string, name: string): Promise<LeaseRecord>;
  createLease(namespace: string, name: string, lease: LeaseRecord): Promise<LeaseRecord>;
  /** Compare-and-swap on `lease.resourceVersion`. */
  replaceLease(namespace: string, name: string, lease: LeaseRecord): Promise<LeaseRecord>;
  createEvent(namespace: string, event: NodeEventRecord): Promise<void>;
  /** One of our custom objects (RebootPolicy, MaintenanceRequest), as plain JSON (404 `not_found` when absent). */
  readCustom(resource: CustomResource, name: string): Promise<unknown>;
  createCustom(resource: CustomResource, body: object): Promise<unknown>;
  /** A JSON merge patch of the object, or of its `status` subresource; with `metadata.resourceVersion`, a compare-and-swap. */
  patchCustom(resource: CustomResource, name: string, patch: object, subresource?: 'status'): Promise<unknown>;
  /** Replaces the object's whole `status` (a JSON patch adding `/status`): nothing of the old status merges into it. */
  replaceCustomStatus(resource: CustomResource, name: string, status: object): Promise<unknown>;
}

/** A NodeEventRecord as the core/v1 Event object both implementations create (times as RFC 3339 strings). */
export function nodeEventObject(namespace: string, event: NodeEventRecord) {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: event.name, namespace },
    involvedObject: { apiVersion: event.kind ? POLICY_API_VERSION : 'v1', kind: event.kind ?? 'Node', name: event.node.name, uid: event.node.uid },
    type: event.type,
    reason: event.reason,
    message: event.message,
    source: { component: 'reboot-manager' },
    reportingComponent: 'reboot-manager',
    reportingInstance: event.instance,
    firstTimestamp: event.time,
    lastTimestamp: event.time,
    count: 1,
  };
}
