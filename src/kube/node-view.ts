// The slim view of a Node the cache keeps: a real Node is ~40 KB of JSON (its image list);
// keeping only these fields makes a 5,000-node cache a few megabytes instead of gigabytes.

/** Only annotations under this prefix are kept: reboot-manager's own. */
export const ANNOTATION_PREFIX = 'rebootmanager/';

/** KEP-5683's Node lifecycle condition types: the only conditions reboot-manager reads back or writes. */
export const LIFECYCLE_CONDITIONS = ['MaintenancePlanned', 'MaintenanceInProgress', 'DrainInProgress', 'Drained'] as const;

export type LifecycleConditionType = (typeof LIFECYCLE_CONDITIONS)[number];

export interface ConditionState {
  /** `True`, `False` or `Unknown`, as written. */
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

/** The lifecycle conditions a Node carries, by type; most nodes carry none. */
export type LifecycleConditions = Readonly<Partial<Record<LifecycleConditionType, ConditionState>>>;

/** One lifecycle condition as written; without times the stored ones stay (they change only with the status). */
export interface ConditionWrite extends ConditionState {
  readonly type: LifecycleConditionType;
  readonly status: 'True' | 'False';
  readonly lastTransitionTime?: string;
  readonly lastHeartbeatTime?: string;
}

export interface NodeView {
  readonly name: string;
  readonly uid: string;
  readonly resourceVersion: string;
  /** `status.nodeInfo.machineID` as the kubelet reported it (may be empty). */
  readonly machineId: string;
  readonly bootId: string;
  readonly ready: boolean;
  /** `lastHeartbeatTime` of the Ready condition (RFC 3339, the kubelet's clock), or ''. */
  readonly heartbeat: string;
  readonly unschedulable: boolean;
  /** `status.addresses` of type InternalIP and ExternalIP, as reported: where this node's FleetLock calls come from. */
  readonly addresses: readonly string[];
  /** Only our `rebootmanager/*` annotations. */
  readonly annotations: Readonly<Record<string, string>>;
  /** Every label: pools and topology caps select nodes by them (a node has a few dozen at most). */
  readonly labels: Readonly<Record<string, string>>;
  /** When the Ready condition last changed (ms since the epoch, the API server's clock), or 0. */
  readonly readySince: number;
  /** Only the KEP-5683 lifecycle conditions, whoever wrote them. */
  readonly lifecycle: LifecycleConditions;
}

/** Fields of a Node that reboot-manager writes. `null` removes an annotation. */
export interface NodeChange {
  readonly annotations?: Readonly<Record<string, string | null>>;
  readonly unschedulable?: boolean;
}

interface RawNode {
  metadata?: { name?: string; uid?: string; resourceVersion?: string; annotations?: Record<string, string> | null; labels?: Record<string, string> | null };
  spec?: { unschedulable?: boolean };
  status?: {
    nodeInfo?: { machineID?: string; bootID?: string };
    conditions?: { type?: string; status?: string; reason?: string; message?: string; lastHeartbeatTime?: unknown; lastTransitionTime?: unknown }[] | null;
    addresses?: { type?: string; address?: string }[] | null;
  };
}

/** Extracts a `NodeView` from a Node as the API returns it (typed model or plain JSON). */
export function toNodeView(node: unknown): NodeView {
  const raw = node as RawNode;
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw.metadata?.annotations ?? {})) {
    if (key.startsWith(ANNOTATION_PREFIX)) annotations[key] = value;
  }
  const readyCondition = (raw.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const heartbeat = readyCondition?.lastHeartbeatTime;
  const since = timeOf(readyCondition?.lastTransitionTime);
  return {
    name: raw.metadata?.name ?? '',
    uid: raw.metadata?.uid ?? '',
    resourceVersion: raw.metadata?.resourceVersion ?? '',
    machineId: raw.status?.nodeInfo?.machineID ?? '',
    bootId: raw.status?.nodeInfo?.bootID ?? '',
    ready: readyCondition?.status === 'True',
    heartbeat: heartbeat instanceof Date ? heartbeat.toISOString() : typeof heartbeat === 'string' ? heartbeat : '',
    unschedulable: raw.spec?.unschedulable === true,
    addresses: ipAddresses(raw.status?.addresses),
    annotations,
    labels: { ...(raw.metadata?.labels ?? {}) },
    readySince: since,
    lifecycle: lifecycleOf(raw.status?.conditions),
  };
}

/** Shared by every node without lifecycle conditions: nearly all of them. */
const NO_CONDITIONS: LifecycleConditions = Object.freeze({});
const LIFECYCLE_TYPES: ReadonlySet<string> = new Set(LIFECYCLE_CONDITIONS);

function lifecycleOf(conditions: NonNullable<RawNode['status']>['conditions']): LifecycleConditions {
  let out: Partial<Record<LifecycleConditionType, ConditionState>> | undefined;
  for (const c of conditions ?? []) {
    if (!LIFECYCLE_TYPES.has(c.type ?? '')) continue;
    out ??= {};
    out[c.type as LifecycleConditionType] = { status: c.status ?? '', reason: c.reason ?? '', message: c.message ?? '' };
  }
  return out ?? NO_CONDITIONS;
}

function timeOf(t: unknown): number {
  const ms = t instanceof Date ? t.getTime() : typeof t === 'string' ? Date.parse(t) : NaN;
  return Number.isFinite(ms) ? ms : 0;
}

const IP_ADDRESS_TYPES = new Set(['InternalIP', 'ExternalIP']);

function ipAddresses(list: { type?: string; address?: string }[] | null | undefined): string[] {
  const out: string[] = [];
  for (const a of list ?? []) if (a.address && IP_ADDRESS_TYPES.has(a.type ?? '')) out.push(a.address);
  return out;
}

/** Same content apart from the heartbeat: lets the cache skip kubelet status posts that change nothing else. */
export function sameView(a: NodeView, b: NodeView): boolean {
  if (a.machineId !== b.machineId || a.bootId !== b.bootId || a.ready !== b.ready || a.unschedulable !== b.unschedulable || a.readySince !== b.readySince) return false;
  if (a.addresses.length !== b.addresses.length || a.addresses.some((x, i) => x !== b.addresses[i])) return false;
  return sameRecord(a.annotations, b.annotations) && sameRecord(a.labels, b.labels) && sameLifecycle(a.lifecycle, b.lifecycle);
}

function sameLifecycle(a: LifecycleConditions, b: LifecycleConditions): boolean {
  return LIFECYCLE_CONDITIONS.every((type) => {
    const x = a[type];
    const y = b[type];
    return x === y || (x !== undefined && y !== undefined && x.status === y.status && x.reason === y.reason && x.message === y.message);
  });
}

function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

/** The merge patch for `change`; with `resourceVersion` it is a compare-and-swap. */
export function patchOf(change: NodeChange, resourceVersion?: string): object {
  const body: Record<string, unknown> = {};
  const metadata: Record<string, unknown> = {};
  if (change.annotations) metadata.annotations = change.annotations;
  if (resourceVersion !== undefined) metadata.resourceVersion = resourceVersion;
  if (Object.keys(metadata).length > 0) body.metadata = metadata;
  if (change.unschedulable !== undefined) body.spec = { unschedulable: change.unschedulable ? true : null };
  return body;
}

/** The strategic merge patch of the status subresource for `conditions`: merged by type, so every other condition stays; with `resourceVersion`, a compare-and-swap. */
export function conditionsPatchOf(conditions: readonly ConditionWrite[], resourceVersion?: string): object {
  return { ...(resourceVersion === undefined ? {} : { metadata: { resourceVersion } }), status: { conditions } };
}
