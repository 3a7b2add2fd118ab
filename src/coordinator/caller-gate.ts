// A FleetLock request for node X is honoured only from node X: the lock sees nothing else.
import { Refusal, type Answer } from '../fleetlock/refusal.js';
import type { ClientParams, LockService, RequestContext } from '../fleetlock/types.js';
import type { CallerIndex } from '../identity/callers.js';
import type { NodeIndex } from '../identity/node-index.js';

export interface CallerGateDeps {
  readonly lock: LockService;
  readonly index: NodeIndex;
  readonly callers: CallerIndex;
  /** The node and agent-pod caches have listed once: before that every caller would look unknown. */
  readonly synced: () => boolean;
}

const NOT_SYNCED = new Refusal('unavailable', 'the node and imds-agent pod caches are not synced yet; retry shortly');

/**
 * Refuses (`forbidden`, changing nothing) a request whose source address is not one of its node's
 * `status.addresses` nor the IP of the imds-agent pod on that node. An address that is no node's at all
 * is refused before the id is looked at, so a stranger learns nothing about ids.
 */
export class CallerGate implements LockService {
  constructor(private readonly deps: CallerGateDeps) {}

  preReboot(params: ClientParams, ctx: RequestContext): Promise<Answer> {
    return this.check(params, ctx) ?? this.deps.lock.preReboot(params, ctx);
  }

  steadyState(params: ClientParams, ctx: RequestContext): Promise<Answer> {
    return this.check(params, ctx) ?? this.deps.lock.steadyState(params, ctx);
  }

  private check(params: ClientParams, ctx: RequestContext): Promise<Answer> | undefined {
    if (!this.deps.synced()) return Promise.resolve(NOT_SYNCED);
    const caller = ctx.caller ?? '';
    if (!this.deps.callers.known(caller)) {
      return Promise.resolve(new Refusal('forbidden', `${caller || 'this client'} is not an address of any Node nor of an imds-agent pod; FleetLock requests are accepted only from the node they are for`));
    }
    const found = this.deps.index.lookup(params.id);
    // Unknown and duplicate ids are the lock's to answer; they change nothing.
    if (found.kind !== 'found' || this.deps.callers.isFrom(caller, found.name)) return undefined;
    return Promise.resolve(new Refusal('forbidden', `requests for this id are accepted only from its own node (an address in its status.addresses) or its imds-agent pod, not from ${caller}`));
  }
}
