// The requester's side of a MaintenanceRequest, through the KubeApi contract: create one, follow it until it is
// approved or ends, say the work started, and complete the live request for a node.
import type { Clock } from '../clock/clock.js';
import { POLICY_API_VERSION, type KubeApi } from '../kube/api.js';
import { KubeError, isRetryable } from '../kube/errors.js';
import { toRequestView } from '../kube/maintenance-requests.js';
import { firstCome, isTerminal, validSpec, type MaintenanceRequestView, type RequesterState } from './request.js';

export interface NewRequest {
  readonly nodeName: string;
  readonly reason: string;
  readonly requester: string;
  readonly drain: boolean;
  readonly group: string;
  readonly startWithinSeconds: number;
  readonly finishWithinSeconds: number;
  /** Unset: the API server names it `<node>-` and five random characters (generateName). */
  readonly name?: string;
}

/** The request holds its node: approved, started, or (spec.state Completed) waiting for the node to be Ready. */
export function isApproved(r: MaintenanceRequestView): boolean {
  return r.status?.phase === 'Approved' || r.status?.phase === 'InProgress';
}

export function nodeOf(r: MaintenanceRequestView): string {
  return r.spec.nodeName;
}

export async function createRequest(api: KubeApi, r: NewRequest): Promise<MaintenanceRequestView> {
  const metadata = r.name === undefined ? { generateName: `${r.nodeName}-` } : { name: r.name };
  const spec = { nodeName: r.nodeName, reason: r.reason, requester: r.requester, drain: r.drain, group: r.group, startWithinSeconds: r.startWithinSeconds, finishWithinSeconds: r.finishWithinSeconds, state: 'Requested' };
  try {
    return toRequestView(await api.createCustom('maintenancerequests', { apiVersion: POLICY_API_VERSION, kind: 'MaintenanceRequest', metadata, spec }));
  } catch (err) {
    if (!(err instanceof KubeError)) throw err;
    if (err.code === 'not_found') throw new KubeError('not_found', 'the MaintenanceRequest resource is not installed: kubectl apply -k kubernetes/ installs its CustomResourceDefinition', { cause: err });
    if (err.code === 'conflict' && r.name !== undefined) throw new KubeError('conflict', `a MaintenanceRequest named ${r.name} exists already: choose another --name, or leave it out`, { cause: err });
    throw err;
  }
}

export interface FollowOptions {
  readonly clock: Clock;
  /** How often to read the request again. */
  readonly intervalMs: number;
  /** Stops following (Ctrl-C): the generator returns without touching the request. */
  readonly signal?: AbortSignal;
}

/**
 * The request each time its status changes (phase or message), ending after the one that is approved or has ended.
 * Reads it again every `intervalMs`: one GET, which `get` alone allows. A failed read that may succeed later is retried.
 */
export async function* requestUpdates(api: KubeApi, name: string, opts: FollowOptions): AsyncGenerator<MaintenanceRequestView> {
  let shown: string | undefined;
  while (!opts.signal?.aborted) {
    const r = await read(api, name).catch((err: unknown) => {
      if (err instanceof KubeError && isRetryable(err)) return undefined;
      throw err;
    });
    if (r?.status) {
      const seen = `${r.status.phase}\n${r.status.message}`;
      if (seen !== shown) {
        shown = seen;
        yield r;
      }
      if (isApproved(r) || isTerminal(r)) return;
    }
    await opts.clock.sleep(opts.intervalMs, opts.signal);
  }
}

async function read(api: KubeApi, name: string): Promise<MaintenanceRequestView> {
  try {
    return toRequestView(await api.readCustom('maintenancerequests', name));
  } catch (err) {
    if (err instanceof KubeError && err.code === 'not_found') throw new KubeError('not_found', `MaintenanceRequest ${name} is gone: someone deleted it`, { cause: err });
    throw err;
  }
}

/**
 * Sets `spec.state` by compare-and-swap on the request as last read, so the leader's own writes (an expiry) and
 * ours never cross: on a conflict the request is read again and the change made only if it still may be.
 * Resolves with the request as it then is (ended meanwhile: unchanged).
 */
export async function setState(api: KubeApi, r: MaintenanceRequestView, state: RequesterState): Promise<MaintenanceRequestView> {
  let current = r;
  for (let attempt = 0; ; attempt++) {
    if (isTerminal(current) || validSpec(current)?.state === state) return current;
    try {
      const patch = { metadata: { resourceVersion: current.resourceVersion }, spec: { state } };
      return toRequestView(await api.patchCustom('maintenancerequests', current.name, patch));
    } catch (err) {
      if (!(err instanceof KubeError && err.code === 'conflict') || attempt >= 10) throw err;
      current = await read(api, current.name);
    }
  }
}

/** Every MaintenanceRequest, page by page. */
async function listRequests(api: KubeApi): Promise<MaintenanceRequestView[]> {
  const out: MaintenanceRequestView[] = [];
  let token: string | undefined;
  do {
    const page = await api.list('maintenancerequests', { limit: 500, ...(token ? { continue: token } : {}) });
    out.push(...page.items.map(toRequestView));
    token = page.continueToken;
  } while (token);
  return out;
}

/** The live request for `node` a requester means: the one holding the node, else the first that came (later ones are rejected). */
export function liveRequestFor(node: string, requests: readonly MaintenanceRequestView[]): MaintenanceRequestView | undefined {
  const live = requests.filter((r) => nodeOf(r) === node && !isTerminal(r));
  return live.sort((a, b) => Number(isApproved(b)) - Number(isApproved(a)) || firstCome(a, b))[0];
}

export interface Completion {
  /** The request as it is after the change. */
  readonly request: MaintenanceRequestView;
  /** Its spec.state was Completed already: nothing was written. */
  readonly already: boolean;
  /** It was approved: the node's slot is given back once the node is Ready. */
  readonly held: boolean;
}

/** Sets spec.state Completed on the live request for `node`; undefined when there is none. */
export async function completeRequestFor(api: KubeApi, node: string): Promise<Completion | undefined> {
  const found = liveRequestFor(node, await listRequests(api));
  if (!found) return undefined;
  const already = validSpec(found)?.state === 'Completed';
  const request = already ? found : await setState(api, found, 'Completed');
  return { request, already, held: isApproved(found) };
}
