import { Refusal } from '../fleetlock/refusal.js';
import type { RequestContext } from '../fleetlock/types.js';
import { KubeError } from '../kube/errors.js';
import type { Decision, NodeCache } from '../kube/nodes.js';
import type { NodeView } from '../kube/node-view.js';
import type { Fence } from './fence.js';

/** A request's logger, or the coordinator's own outside requests. */
export type Log = RequestContext['log'];

export interface Applied<O> {
  readonly node: NodeView;
  readonly outcome: O;
  readonly wrote: boolean;
}

/**
 * Applies one slot transition: compare-and-swap fenced by leadership, then waits until the cache shows
 * the result. Every failure is a refusal to answer with: `not_leader` when the write could not leave,
 * `unavailable` when the API failed (the node is then in doubt until the fence clears it).
 */
export class SlotWriter {
  constructor(
    private readonly nodes: NodeCache,
    private readonly fence: Fence,
    private readonly isLeader: () => boolean,
  ) {}

  /**
   * With `seen: false` the answer does not wait for the watch: the node is left in doubt instead, and the
   * next decision waits for it (a steady-state is answered while the watch lags).
   */
  async apply<O>(name: string, decide: (node: NodeView) => Decision<O>, log: Log, opts: { seen?: boolean } = {}): Promise<Applied<O> | Refusal> {
    let result;
    try {
      result = await this.nodes.cas(name, decide, { mayWrite: this.isLeader });
    } catch (err) {
      if (!(err instanceof KubeError)) throw err;
      if (err.code === 'not_found') return new Refusal('unknown_id', `node ${name} was just deleted`);
      this.fence.doubt(name);
      log.error({ node: name, err: err.message, code: err.code }, 'writing node failed');
      return new Refusal('unavailable', `could not update node ${name}: ${err.message}`);
    }
    if (result.fenced) return new Refusal('not_leader', 'this replica stopped leading while deciding; retry (the Service routes to the leader once it is ready)');
    if (opts.seen === false) {
      if (result.wrote) this.fence.doubt(name);
      return { node: result.node, outcome: result.outcome, wrote: result.wrote };
    }
    try {
      return { node: await this.fence.seen(result.node), outcome: result.outcome, wrote: result.wrote };
    } catch (err) {
      return new Refusal('unavailable', `the node watch is behind: ${(err as Error).message}`);
    }
  }
}
