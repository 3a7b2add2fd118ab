// `explain`: would a claim from this node be granted now, and if not, every reason. Read from caches only,
// so any replica answers (saying when it is not the leader); the CLI, the status API and the page share it.
import type { Clock } from '../clock/clock.js';
import { groupProblem } from '../fleetlock/group.js';
import type { NodeView } from '../kube/node-view.js';
import type { Reason, Rule } from '../policy/reasons.js';
import { ZINCATI_DEFAULT_GROUP } from '../slot/budget.js';
import { slotOf } from '../slot/encoding.js';
import { statusRows, type StatusRow } from '../status/rows.js';
import type { Admission } from './admission.js';
import { heldForRequest } from './request-hold.js';

/** Field names are part of the status API (documented in the README): add fields, never rename. */
export interface Explanation {
  readonly node: string;
  /** The group asked about (default: Zincati's `default`). */
  readonly group: string;
  /** A pre-reboot now would be answered 200: no reason holds a claim back, or the node holds a slot (not a request's) and is drained. */
  readonly grantable: boolean;
  /** The node already holds a slot: its status row (group, phase, drain); `reasons` is then empty. */
  readonly holding?: StatusRow;
  /** A pre-reboot is refused whatever the policy: the node is out of service for a MaintenanceRequest (`holding.request`). */
  readonly refusal?: { readonly kind: string; readonly value: string };
  /** Every reason a new claim must wait, in the order a refusal names them. */
  readonly reasons: readonly ExplainedReason[];
  /** The replica that answered, and whether it leads: a follower answers from its own cache. */
  readonly identity: string;
  readonly leader: boolean;
  /** False until this replica's node cache and policy have loaded: reasons may be missing. */
  readonly synced: boolean;
}

export interface ExplainedReason {
  readonly rule: Rule;
  readonly message: string;
  /** When the reason is expected to end by itself (RFC 3339); null when unknown, as in `/api/v1/status`. */
  readonly until: string | null;
}

export type ExplainErrorCode = 'unknown_node' | 'bad_group';

/** A question `explain` cannot answer, as a typed value. */
export class ExplainError extends Error {
  constructor(
    readonly code: ExplainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ExplainError';
  }
}

export interface ExplainerDeps {
  readonly nodes: { get(name: string): NodeView | undefined; readonly synced: boolean };
  readonly admission: Pick<Admission, 'reasons' | 'synced'>;
  readonly identity: string;
  isLeader(): boolean;
  readonly clock: Pick<Clock, 'now'>;
}

export class Explainer {
  constructor(private readonly deps: ExplainerDeps) {}

  /** The answer for node `name` asking in `group` (unset: `default`). */
  explain(name: string, group: string = ZINCATI_DEFAULT_GROUP): Explanation | ExplainError {
    const problem = groupProblem(group);
    if (problem) return new ExplainError('bad_group', `group ${problem}`);
    const synced = this.deps.nodes.synced && this.deps.admission.synced();
    const node = this.deps.nodes.get(name);
    if (!node) return new ExplainError('unknown_node', `no node named ${JSON.stringify(name)}${this.deps.nodes.synced ? '' : " yet: this replica's node cache is still syncing"}`);
    const answeredBy = { identity: this.deps.identity, leader: this.deps.isLeader(), synced };
    const slot = slotOf(node);
    if (slot) {
      // As FleetLock answers a holder: from its slot, 200 once drained, whatever group it asks in; refused for a request's.
      const holding = statusRows([node], this.deps.clock.now())[0];
      const refused = heldForRequest(name, slot);
      const refusal = refused ? { refusal: { kind: refused.kind, value: refused.value } } : {};
      return { node: name, group, grantable: !refused && slot.phase === 'drained', ...(holding ? { holding } : {}), ...refusal, reasons: [], ...answeredBy };
    }
    const reasons = this.deps.admission.reasons(node, group).map(explained);
    return { node: name, group, grantable: reasons.length === 0, reasons, ...answeredBy };
  }
}

function explained(r: Reason): ExplainedReason {
  return { rule: r.rule, message: r.message, until: r.until === undefined ? null : new Date(r.until).toISOString() };
}
