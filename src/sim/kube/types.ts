// Shapes of the Kubernetes objects the simulator stores: loose JSON with the fields it reads typed.

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [key: string]: unknown;
}

/** Any stored object; nested fields are read through the typed views below. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastHeartbeatTime?: string;
  lastProbeTime?: string | null;
  observedGeneration?: number;
}

export interface NodeObject extends KubeObject {
  spec: { unschedulable?: boolean; podCIDR?: string; providerID?: string; taints?: unknown[]; [k: string]: unknown };
  status: {
    conditions?: Condition[];
    nodeInfo?: { machineID: string; systemUUID: string; bootID: string; kubeletVersion: string; [k: string]: unknown };
    [k: string]: unknown;
  };
}

export interface ContainerStatus {
  name: string;
  ready: boolean;
  restartCount: number;
  [k: string]: unknown;
}

export interface PodObject extends KubeObject {
  spec: {
    nodeName?: string;
    containers: { name: string; [k: string]: unknown }[];
    volumes?: { name: string; emptyDir?: unknown; [k: string]: unknown }[];
    terminationGracePeriodSeconds?: number;
    [k: string]: unknown;
  };
  status: {
    phase?: string;
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
    [k: string]: unknown;
  };
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface PdbObject extends KubeObject {
  spec: {
    minAvailable?: number | string;
    maxUnavailable?: number | string;
    selector?: LabelSelector | null;
    [k: string]: unknown;
  };
  status?: {
    currentHealthy?: number;
    desiredHealthy?: number;
    disruptionsAllowed?: number;
    expectedPods?: number;
    disruptedPods?: Record<string, string>;
    observedGeneration?: number;
    [k: string]: unknown;
  };
}

/** One watch-visible change. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  /** The object before a MODIFIED or DELETED, for selector transitions. */
  old?: KubeObject;
  rv: number;
}
