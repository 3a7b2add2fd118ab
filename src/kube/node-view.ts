import { ANNOTATION_PREFIX, Annotation, STATUS_REBOOTING, parsePhase, type Phase } from './annotations.js';

/**
 * The few fields of a Node the server uses. A real Node is ~40 KB of JSON (its image list);
 * keeping only these makes a 5,000-node cache a few megabytes instead of gigabytes.
 */
export interface NodeView {
  readonly name: string;
  readonly uid: string;
  readonly resourceVersion: string;
  /** `status.nodeInfo.machineID` as the kubelet reported it (may be empty). */
  readonly machineId: string;
  readonly bootId: string;
  readonly ready: boolean;
  readonly unschedulable: boolean;
  /** Only our `rebootmanager/*` annotations. */
  readonly annotations: Readonly<Record<string, string>>;
}

/** The slot a node holds, read from its annotations; undefined when it holds none. */
export interface Hold {
  readonly group: string;
  readonly id: string;
  readonly phase: Phase;
  readonly claimedAt: string;
  readonly bootId: string;
  readonly cordonedByUs: boolean;
  readonly releaseRequested: boolean;
  readonly drain: string;
}

interface RawNode {
  metadata?: { name?: string; uid?: string; resourceVersion?: string; annotations?: Record<string, string> | null };
  spec?: { unschedulable?: boolean };
  status?: {
    nodeInfo?: { machineID?: string; bootID?: string };
    conditions?: { type?: string; status?: string }[];
  };
}

/** Extracts a `NodeView` from a Node as the API returns it (typed model or plain JSON). */
export function toNodeView(node: unknown): NodeView {
  const raw = node as RawNode;
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw.metadata?.annotations ?? {})) {
    if (key.startsWith(ANNOTATION_PREFIX)) annotations[key] = value;
  }
  const ready = (raw.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  return {
    name: raw.metadata?.name ?? '',
    uid: raw.metadata?.uid ?? '',
    resourceVersion: raw.metadata?.resourceVersion ?? '',
    machineId: raw.status?.nodeInfo?.machineID ?? '',
    bootId: raw.status?.nodeInfo?.bootID ?? '',
    ready,
    unschedulable: raw.spec?.unschedulable === true,
    annotations,
  };
}

export function holdOf(node: NodeView): Hold | undefined {
  const a = node.annotations;
  if (a[Annotation.status] !== STATUS_REBOOTING) return undefined;
  return {
    group: a[Annotation.group] ?? 'default',
    id: a[Annotation.id] ?? '',
    phase: parsePhase(a[Annotation.phase]),
    claimedAt: a[Annotation.claimedAt] ?? '',
    bootId: a[Annotation.bootId] ?? '',
    cordonedByUs: a[Annotation.cordoned] === 'true',
    releaseRequested: a[Annotation.releaseRequested] !== undefined,
    drain: a[Annotation.drain] ?? '',
  };
}

/** Same content for our purposes: lets the cache skip kubelet heartbeats that change nothing we use. */
export function sameView(a: NodeView, b: NodeView): boolean {
  if (a.machineId !== b.machineId || a.bootId !== b.bootId || a.ready !== b.ready || a.unschedulable !== b.unschedulable) return false;
  const ka = Object.keys(a.annotations);
  if (ka.length !== Object.keys(b.annotations).length) return false;
  return ka.every((k) => a.annotations[k] === b.annotations[k]);
}
