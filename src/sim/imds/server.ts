// A simulated Azure Instance Metadata Service on 127.0.0.1: compute and scheduled events, several VMs, faults.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStore, type ImdsEventsJson, type SimEventInput } from './event-store.js';
import { Faults, type FaultTarget } from './faults.js';

export interface SimulatedImdsOptions {
  /** `compute.name` of the VM served at the root URL. Default `vmss_0`. */
  readonly vmName?: string;
  readonly vmScaleSetName?: string;
  /** Delay of each VM's first scheduled-events GET (the real one switches the feature on, up to 2 min). */
  readonly firstCallDelayMs?: number;
  /** Answer 429 beyond this many requests per VM within one second, as IMDS does at about 5. Default: off. */
  readonly rateLimitPerSecond?: number;
  /** Clock for NotBefore defaults and the rate limit. Default `Date.now`. */
  readonly now?: () => number;
}

/** One request as the simulator saw it; `status` is set once answered. */
export interface SimRequest {
  readonly vm: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  status: number | undefined;
}

export interface SimApproval {
  readonly vm: string;
  readonly eventIds: readonly string[];
}

export type SimNotice =
  | { readonly type: 'request'; readonly request: SimRequest }
  | { readonly type: 'answered'; readonly request: SimRequest }
  | { readonly type: 'approval'; readonly approval: SimApproval }
  | { readonly type: 'change'; readonly incarnation: number };

const VM_PREFIX = /^\/vm\/([^/]+)(\/.*)?$/;
const TOO_LONG = 10_000;

export class SimulatedImds {
  /** Base URL of the root VM: pass it as the agent's IMDS URL. */
  readonly url: string;
  readonly faults = new Faults();
  readonly requests: SimRequest[] = [];
  readonly approvals: SimApproval[] = [];
  readonly #server: Server;
  readonly #store: EventStore;
  readonly #listeners = new Set<(n: SimNotice) => void>();
  readonly #o: Required<Omit<SimulatedImdsOptions, 'rateLimitPerSecond'>> & { rateLimitPerSecond: number | undefined };
  readonly #answeredOnce = new Set<string>();
  readonly #recent = new Map<string, number[]>();
  readonly #timers = new Set<NodeJS.Timeout>();

  private constructor(server: Server, options: SimulatedImdsOptions) {
    this.#server = server;
    this.#o = {
      vmName: options.vmName ?? 'vmss_0',
      vmScaleSetName: options.vmScaleSetName ?? 'vmss',
      firstCallDelayMs: options.firstCallDelayMs ?? 0,
      now: options.now ?? Date.now,
      rateLimitPerSecond: options.rateLimitPerSecond,
    };
    this.#store = new EventStore(this.#o.now, (incarnation) => this.#notify({ type: 'change', incarnation }));
    const { port } = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Listens on 127.0.0.1 at a free port. */
  static async start(options: SimulatedImdsOptions = {}): Promise<SimulatedImds> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sim = new SimulatedImds(server, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => sim.#receive(req, res));
    return sim;
  }

  /** Base URL under which the simulator answers as the VM named `vmName` (same events, own compute name). */
  urlFor(vmName: string): string {
    return `${this.url}/vm/${encodeURIComponent(vmName)}`;
  }

  get incarnation(): number {
    return this.#store.incarnation;
  }

  document(): ImdsEventsJson {
    return this.#store.document();
  }

  /** Adds an event; returns its EventId. */
  schedule(event: SimEventInput): string {
    return this.#store.schedule(event);
  }

  /** The platform starts the event: EventStatus Started, NotBefore empty. */
  start(eventId: string): void {
    this.#store.start(eventId);
  }

  /** The event is done and leaves the document. */
  complete(eventId: string): void {
    this.#store.remove(eventId);
  }

  /** The platform cancels the event: it leaves the document (IMDS has no Cancelled status). */
  cancel(eventId: string): void {
    this.#store.remove(eventId);
  }

  /** Called on every request, answer, approval and document change; returns an unsubscribe function. */
  subscribe(listener: (notice: SimNotice) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once `predicate` holds, checking now and after every notice; rejects after `timeoutMs` (a test guard). */
  waitFor(predicate: () => boolean, what = 'condition', timeoutMs = TOO_LONG): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`simulated IMDS: gave up waiting for ${what}`));
      }, timeoutMs);
      const off = this.subscribe(() => {
        if (!predicate()) return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  /** Scheduled-events requests (GET and POST) so far, for one VM or all. */
  eventRequests(vm?: string): SimRequest[] {
    return this.requests.filter((r) => r.path.startsWith('/metadata/scheduledevents') && (vm === undefined || r.vm === vm));
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #notify(notice: SimNotice): void {
    for (const l of [...this.#listeners]) l(notice);
  }

  #receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const pathOnly = q === -1 ? url : url.slice(0, q);
      const m = VM_PREFIX.exec(pathOnly);
      const vm = m ? decodeURIComponent(m[1] ?? '') : this.#o.vmName;
      // The path as the VM asked for it, without the simulator's /vm/<name> prefix.
      const path = (m ? (m[2] ?? '/') : pathOnly) + (q === -1 ? '' : url.slice(q));
      const request: SimRequest = { vm, method: req.method ?? '', path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status: undefined };
      this.requests.push(request);
      this.#notify({ type: 'request', request });
      this.#handle(request, res);
    });
  }

  #answer(request: SimRequest, res: ServerResponse, status: number, body: unknown, delayMs = 0): void {
    const send = (): void => {
      request.status = status;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      this.#notify({ type: 'answered', request });
    };
    if (delayMs <= 0) return send();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!res.destroyed) send();
    }, delayMs);
    this.#timers.add(timer);
  }

  #handle(request: SimRequest, res: ServerResponse): void {
    const bad = (error: string): void => this.#answer(request, res, 400, { error, error_description: error });
    // The real service refuses requests without the header, and any that came through a proxy.
    if (String(request.headers.metadata).toLowerCase() !== 'true') return bad('Bad request. Required metadata header not specified');
    if (request.headers['x-forwarded-for'] !== undefined) return bad('Bad request. X-Forwarded-For header is not allowed');
    if (this.#rateLimited(request.vm)) return this.#answer(request, res, 429, { error: 'Too many requests' });
    const [pathname, query = ''] = request.path.split('?');
    const target: FaultTarget | undefined =
      pathname === '/metadata/scheduledevents' ? 'events' : pathname === '/metadata/instance/compute' ? 'compute' : undefined;
    if (!target) return this.#answer(request, res, 404, { error: 'Not found' });
    if (!new URLSearchParams(query).get('api-version')) return bad('Bad request. api-version was not specified');
    const fault = this.faults.take(target);
    let delay = 0;
    if (target === 'events' && request.method === 'GET' && !this.#answeredOnce.has(request.vm)) {
      this.#answeredOnce.add(request.vm);
      delay = this.#o.firstCallDelayMs;
    }
    if (fault?.type === 'delay') delay += fault.ms;
    if (fault?.type === 'status') return this.#answer(request, res, fault.status, { error: `simulated ${fault.status}` }, delay);
    if (fault?.type === 'malformed' && request.method === 'GET') return this.#answer(request, res, 200, fault.body, delay);
    if (target === 'compute') {
      if (request.method !== 'GET') return this.#answer(request, res, 405, { error: 'Method not allowed' });
      return this.#answer(request, res, 200, this.#compute(request.vm), delay);
    }
    if (request.method === 'GET') return this.#answer(request, res, 200, this.#store.document(), delay);
    if (request.method === 'POST') return this.#approve(request, res, delay);
    return this.#answer(request, res, 405, { error: 'Method not allowed' });
  }

  #approve(request: SimRequest, res: ServerResponse, delay: number): void {
    const ids = parseStartRequests(request.body);
    if (typeof ids === 'string') return this.#answer(request, res, 400, { error: ids }, delay);
    const unknown = ids.filter((id) => !this.#store.has(id));
    if (unknown.length > 0) return this.#answer(request, res, 400, { error: `unknown EventId ${unknown.join(', ')}` }, delay);
    const approval: SimApproval = { vm: request.vm, eventIds: ids };
    this.approvals.push(approval);
    // An approval starts the event for every VM it lists, not just the caller.
    this.#store.startAll(ids);
    this.#notify({ type: 'approval', approval });
    this.#answer(request, res, 200, '', delay);
  }

  #compute(vm: string): Record<string, unknown> {
    const scaleSet = this.#o.vmScaleSetName;
    return {
      name: vm,
      vmScaleSetName: scaleSet,
      resourceId: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sim/providers/Microsoft.Compute/virtualMachineScaleSets/${scaleSet}/virtualMachines/${vm}`,
      osProfile: { computerName: vm.replaceAll('_', '') },
      location: 'westeurope',
      vmId: '00000000-0000-4000-8000-000000000000',
      azEnvironment: 'AzurePublicCloud',
    };
  }

  #rateLimited(vm: string): boolean {
    const limit = this.#o.rateLimitPerSecond;
    if (limit === undefined) return false;
    const now = this.#o.now();
    const recent = (this.#recent.get(vm) ?? []).filter((t) => t > now - 1000);
    const limited = recent.length >= limit;
    if (!limited) recent.push(now);
    this.#recent.set(vm, recent);
    return limited;
  }
}

/** `{"StartRequests":[{"EventId":"..."}]}` → the ids, or a message saying what is wrong. */
function parseStartRequests(body: string): string[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'body is not JSON';
  }
  const list = typeof parsed === 'object' && parsed !== null ? (parsed as { StartRequests?: unknown }).StartRequests : undefined;
  if (!Array.isArray(list) || list.length === 0) return 'expected {"StartRequests":[{"EventId":"<id>"}]}';
  const ids: string[] = [];
  for (const item of list) {
    const id = typeof item === 'object' && item !== null ? (item as { EventId?: unknown }).EventId : undefined;
    if (typeof id !== 'string' || id === '') return 'every StartRequests entry needs an EventId';
    ids.push(id);
  }
  return ids;
}
