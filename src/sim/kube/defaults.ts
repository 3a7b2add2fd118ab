// What the API server fills in or resets when an object is created over the API (defaulting, admission, PrepareForCreate).
import { EMPTY_PDB_STATUS } from './pdb.js';
import type { ResourceType } from './resources.js';
import type { KubeObject, PodObject } from './types.js';
import { clone } from './util.js';

/** DefaultTolerationSeconds admission: pods ride out a NotReady or unreachable node for five minutes. */
const DEFAULT_TOLERATIONS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'].map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }));

function hasResources(pod: PodObject): boolean {
  return pod.spec.containers.some((c) => c.resources !== undefined && Object.keys(c.resources as object).length > 0);
}

/** A created Pod: status reset to Pending (a kubelet reports the rest) and the spec defaults the product reads. */
function podOnCreate(pod: PodObject): PodObject {
  const spec: PodObject['spec'] = { restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', priority: 0, enableServiceLinks: true, preemptionPolicy: 'PreemptLowerPriority', securityContext: {}, ...pod.spec };
  const tolerations = Array.isArray(spec.tolerations) ? [...(spec.tolerations as { key?: string }[])] : [];
  spec.tolerations = tolerations;
  for (const d of DEFAULT_TOLERATIONS) if (!tolerations.some((x) => x.key === d.key)) tolerations.push(d);
  return { ...pod, spec, status: { phase: 'Pending', qosClass: hasResources(pod) ? 'Burstable' : 'BestEffort' } };
}

const WORKLOADS = new Set(['deployments', 'statefulsets', 'replicasets']);

/** A created Deployment, StatefulSet or ReplicaSet: one replica unless told, and no status until its controller writes one. */
function workloadOnCreate(obj: KubeObject): KubeObject {
  return { ...obj, spec: { ...obj.spec, replicas: obj.spec?.replicas ?? 1 }, status: {} };
}

/** Applies create-time defaults to a copy of `input`; callers validate first, as the real server validates the request. */
export function onCreate(t: ResourceType, input: KubeObject): KubeObject {
  const obj = clone(input);
  if (t.resource === 'pods' && obj.spec && Array.isArray(obj.spec.containers)) return podOnCreate(obj as PodObject);
  if (WORKLOADS.has(t.resource)) return workloadOnCreate(obj);
  if (t.resource === 'poddisruptionbudgets') return { ...obj, status: { ...EMPTY_PDB_STATUS } };
  if (t.resource === 'events' && !('eventTime' in obj)) return { ...obj, eventTime: null };
  return obj;
}
