// KubeApi over HTTP: @kubernetes/client-node for single objects and watches, plain JSON pages for lists.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { PatchStrategy, V1MicroTime, setHeaderOptions, type V1Lease } from '@kubernetes/client-node';
import { originForLogs } from '../logging/safe-url.js';
import { COLLECTIONS, CUSTOM_KINDS, nodeEventObject, type Collection, type CustomResource, type KubeApi, type LeaseRecord, type ListPage, type ListQuery, type NodeEventRecord, type StopWatch, type WatchEventHandler, type WatchQuery } from './api.js';
import { createKubeClient, type KubeClient } from './client.js';
import { KubeError, codeForStatus, parseStatus, toKubeError } from './errors.js';

/** The collection's path, namespaced when the query names a namespace. */
function pathOf(collection: Collection, namespace: string | undefined): string {
  const { prefix } = COLLECTIONS[collection];
  return namespace ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${collection}` : `${prefix}/${collection}`;
}
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategicMergePatch = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const LIST_TIMEOUT_MS = 60_000;

export class RestKubeApi implements KubeApi {
  readonly origin: string;

  constructor(private readonly client: KubeClient) {
    this.origin = originForLogs(client.server);
  }

  async list(collection: Collection, query: ListQuery): Promise<ListPage> {
    const url = new URL(this.client.server.replace(/\/$/, '') + pathOf(collection, query.namespace));
    if (query.fieldSelector) url.searchParams.set('fieldSelector', query.fieldSelector);
    if (query.labelSelector) url.searchParams.set('labelSelector', query.labelSelector);
    if (query.limit !== undefined) url.searchParams.set('limit', String(query.limit));
    if (query.continue) url.searchParams.set('continue', query.continue);
    const text = await this.requestJson(url, 'GET', `listing ${collection}`);
    // Plain JSON: the typed client would decode every field of every 40 KB Node into model objects.
    const list = JSON.parse(text) as { items?: unknown[]; metadata?: { resourceVersion?: string; continue?: string } };
    return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? '', continueToken: list.metadata?.continue || undefined };
  }

  async watch(collection: Collection, query: WatchQuery, onEvent: WatchEventHandler, onDone: (err?: unknown) => void): Promise<StopWatch> {
    // client-node calls `done` when aborted too; the contract says a stopped watch is silent.
    let stopped = false;
    try {
      const { namespace, ...params } = query;
      const abort = await this.client.watch.watch(pathOf(collection, namespace), params, onEvent, (err: unknown) => {
        if (!stopped) onDone(err === undefined || err === null ? undefined : toKubeError(err, `watching ${collection}`));
      });
      return () => {
        stopped = true;
        abort.abort();
      };
    } catch (err) {
      throw toKubeError(err, `watching ${collection}`);
    }
  }

  async readNode(name: string): Promise<unknown> {
    return this.call(`reading node ${name}`, () => this.client.core.readNode({ name }));
  }

  async patchNode(name: string, patch: object): Promise<unknown> {
    return this.call(`patching node ${name}`, () => this.client.core.patchNode({ name, body: patch }, mergePatch));
  }

  async patchNodeStatus(name: string, patch: object): Promise<unknown> {
    return this.call(`patching the status of node ${name}`, () => this.client.core.patchNodeStatus({ name, body: patch }, strategicMergePatch));
  }

  async evictPod(namespace: string, name: string, uid: string): Promise<void> {
    await this.call(`evicting pod ${namespace}/${name}`, () =>
      this.client.core.createNamespacedPodEviction({
        name,
        namespace,
        body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace }, deleteOptions: { preconditions: { uid } } },
      }),
    );
  }

  async deletePod(namespace: string, name: string, uid: string): Promise<void> {
    await this.call(`deleting pod ${namespace}/${name}`, () => this.client.core.deleteNamespacedPod({ name, namespace, body: { preconditions: { uid } } }));
  }

  async readLease(namespace: string, name: string): Promise<LeaseRecord> {
    return leaseRecord(await this.call(`reading Lease ${namespace}/${name}`, () => this.client.coordination.readNamespacedLease({ name, namespace })));
  }

  async createLease(namespace: string, name: string, lease: LeaseRecord): Promise<LeaseRecord> {
    const body = v1Lease(namespace, name, lease);
    return leaseRecord(await this.call(`creating Lease ${namespace}/${name}`, () => this.client.coordination.createNamespacedLease({ namespace, body })));
  }

  async replaceLease(namespace: string, name: string, lease: LeaseRecord): Promise<LeaseRecord> {
    const body = v1Lease(namespace, name, lease);
    return leaseRecord(await this.call(`updating Lease ${namespace}/${name}`, () => this.client.coordination.replaceNamespacedLease({ name, namespace, body })));
  }

  async createEvent(namespace: string, event: NodeEventRecord): Promise<void> {
    // The typed client serializes its Date fields itself.
    const time = new Date(event.time);
    const body = { ...nodeEventObject(namespace, event), firstTimestamp: time, lastTimestamp: time };
    await this.call(`recording ${event.reason} event for node ${event.node.name}`, () => this.client.core.createNamespacedEvent({ namespace, body }));
  }

  async readCustom(resource: CustomResource, name: string): Promise<unknown> {
    return JSON.parse(await this.requestJson(this.customUrl(resource, name), 'GET', `reading ${CUSTOM_KINDS[resource]} ${name}`));
  }

  async createCustom(resource: CustomResource, body: object): Promise<unknown> {
    return JSON.parse(await this.requestJson(this.customUrl(resource), 'POST', `creating a ${CUSTOM_KINDS[resource]}`, { body, contentType: 'application/json' }));
  }

  async patchCustom(resource: CustomResource, name: string, patch: object, subresource?: 'status'): Promise<unknown> {
    const what = `patching ${CUSTOM_KINDS[resource]} ${name}${subresource ? ' status' : ''}`;
    return JSON.parse(await this.requestJson(this.customUrl(resource, name, subresource), 'PATCH', what, { body: patch, contentType: 'application/merge-patch+json' }));
  }

  async replaceCustomStatus(resource: CustomResource, name: string, status: object): Promise<unknown> {
    const body = [{ op: 'add', path: '/status', value: status }];
    return JSON.parse(await this.requestJson(this.customUrl(resource, name, 'status'), 'PATCH', `replacing the status of ${CUSTOM_KINDS[resource]} ${name}`, { body, contentType: 'application/json-patch+json' }));
  }

  private customUrl(resource: CustomResource, name?: string, subresource?: string): URL {
    const path = `${pathOf(resource, undefined)}${name === undefined ? '' : `/${encodeURIComponent(name)}`}${subresource ? `/${subresource}` : ''}`;
    return new URL(this.client.server.replace(/\/$/, '') + path);
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      throw toKubeError(err, what);
    }
  }

  /** Plain JSON over HTTP with the kubeconfig's credentials: lists and the policy (a custom resource). */
  private async requestJson(url: URL, method: string, what: string, payload?: { body: object; contentType: string }): Promise<string> {
    const opts: RequestOptions = { method, headers: { accept: 'application/json', ...(payload ? { 'content-type': payload.contentType } : {}) } };
    await this.client.config.applyToHTTPSOptions(opts);
    return new Promise<string>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(url, opts, (res) => {
        res.setEncoding('utf8');
        let text = '';
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(text);
          const body = parseStatus(text);
          const message = `${what}: ${status} ${body.reason ?? ''} ${body.message ?? ''}`.replace(/\s+/g, ' ').trim();
          const retryAfter = Number(res.headers['retry-after']);
          reject(
            new KubeError(codeForStatus(status), message, {
              status,
              ...(body.reason ? { reason: body.reason } : {}),
              ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}),
              causes: body.details?.causes ?? [],
            }),
          );
        });
        res.on('error', (err) => reject(toKubeError(err, what)));
      });
      req.setTimeout(LIST_TIMEOUT_MS, () => req.destroy(new KubeError('timeout', `${what}: no answer within ${LIST_TIMEOUT_MS / 1000} s`)));
      req.on('error', (err) => reject(toKubeError(err, what)));
      req.end(payload ? JSON.stringify(payload.body) : undefined);
    });
  }
}

function leaseRecord(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  // Read back, times are strings or Dates depending on the client's decoding.
  const time = (t: Date | string | undefined | null): string | undefined => (t === undefined || t === null ? undefined : t instanceof Date ? new V1MicroTime(t).toISOString() : t);
  return {
    holderIdentity: spec.holderIdentity ?? '',
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: time(spec.acquireTime),
    renewTime: time(spec.renewTime),
    leaseTransitions: spec.leaseTransitions ?? 0,
    ...(lease.metadata?.resourceVersion ? { resourceVersion: lease.metadata.resourceVersion } : {}),
  };
}

/** The API accepts Lease times only with six fractional digits (V1MicroTime). */
function v1Lease(namespace: string, name: string, lease: LeaseRecord): V1Lease {
  const micro = (t: string | undefined): V1MicroTime | undefined => (t === undefined ? undefined : new V1MicroTime(t));
  return {
    metadata: { name, namespace, ...(lease.resourceVersion ? { resourceVersion: lease.resourceVersion } : {}) },
    spec: {
      holderIdentity: lease.holderIdentity,
      leaseDurationSeconds: lease.leaseDurationSeconds,
      ...(lease.acquireTime ? { acquireTime: micro(lease.acquireTime) } : {}),
      ...(lease.renewTime ? { renewTime: micro(lease.renewTime) } : {}),
      leaseTransitions: lease.leaseTransitions,
    },
  };
}

/** The KubeApi over HTTP with a kubeconfig's credentials (default: KUBECONFIG, ~/.kube/config, in-cluster). */
export function createKubeApi(kubeconfigPath?: string): KubeApi {
  return new RestKubeApi(createKubeClient(kubeconfigPath));
}

/** The KubeApi with an operator's kubeconfig, and who the operator is: the current user's name, else the current context's. */
export function createOperatorKubeApi(kubeconfigPath?: string): { api: KubeApi; user: string } {
  const client = createKubeClient(kubeconfigPath);
  return { api: new RestKubeApi(client), user: client.config.getCurrentUser()?.name || client.config.getCurrentContext() || '' };
}
