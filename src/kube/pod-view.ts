/** The few fields of a Pod that draining uses; a watch-fed cache keeps only these. */
export interface PodView {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly nodeName: string;
  /** `status.phase`: Pending, Running, Succeeded, Failed, Unknown. */
  readonly phase: string;
  /** Set once the pod is being deleted (graceful termination under way). */
  readonly terminating: boolean;
  /** Kind of the controlling owner (`ReplicaSet`, `DaemonSet`, ...), or undefined for a bare pod. */
  readonly controllerKind: string | undefined;
  /** Name of the controlling owner ('' for a bare pod): the health gate follows it to the workload. */
  readonly controllerName: string;
  /** The pod's labels: PodDisruptionBudgets select pods by them. */
  readonly labels: Readonly<Record<string, string>>;
  /** A static pod's mirror (annotation `kubernetes.io/config.mirror`). */
  readonly mirror: boolean;
  readonly emptyDir: boolean;
  /** `spec.terminationGracePeriodSeconds` (30 when unset, as the API defaults it). */
  readonly graceSeconds: number;
}

export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

interface RawPod {
  metadata?: {
    namespace?: string;
    name?: string;
    uid?: string;
    deletionTimestamp?: unknown;
    annotations?: Record<string, string> | null;
    labels?: Record<string, string> | null;
    ownerReferences?: { kind?: string; name?: string; controller?: boolean }[] | null;
  };
  spec?: { nodeName?: string; terminationGracePeriodSeconds?: number; volumes?: { emptyDir?: unknown }[] | null };
  status?: { phase?: string };
}

/** Extracts a `PodView` from a Pod as the API returns it (typed model or plain JSON). */
export function toPodView(pod: unknown): PodView {
  const raw = pod as RawPod;
  const meta = raw.metadata ?? {};
  const controller = (meta.ownerReferences ?? []).find((o) => o.controller === true);
  return {
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    nodeName: raw.spec?.nodeName ?? '',
    phase: raw.status?.phase ?? 'Pending',
    terminating: meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null,
    controllerKind: controller?.kind,
    controllerName: controller?.name ?? '',
    labels: { ...(meta.labels ?? {}) },
    mirror: meta.annotations?.[MIRROR_ANNOTATION] !== undefined,
    emptyDir: (raw.spec?.volumes ?? []).some((v) => v.emptyDir !== undefined && v.emptyDir !== null),
    graceSeconds: raw.spec?.terminationGracePeriodSeconds ?? 30,
  };
}

export function podKey(pod: Pick<PodView, 'namespace' | 'name'>): string {
  return `${pod.namespace}/${pod.name}`;
}

export function samePodView(a: PodView, b: PodView): boolean {
  return a.uid === b.uid && a.phase === b.phase && a.terminating === b.terminating && a.nodeName === b.nodeName;
}
