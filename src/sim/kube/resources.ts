// The resource types the simulator serves: what discovery lists and what the router accepts.

export interface ResourceType {
  group: string;
  version: string;
  /** Plural, as in URLs. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  /** Subresources served, e.g. status, eviction. */
  subresources: string[];
  /** Spec changes bump metadata.generation. */
  generation: boolean;
}

const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const RESOURCE_TYPES: readonly ResourceType[] = [
  { group: '', version: 'v1', resource: 'nodes', singular: 'node', kind: 'Node', namespaced: false, verbs: RW, shortNames: ['no'], subresources: ['status'], generation: false },
  { group: '', version: 'v1', resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, verbs: RW, shortNames: ['po'], subresources: ['status', 'eviction'], generation: false },
  { group: '', version: 'v1', resource: 'events', singular: 'event', kind: 'Event', namespaced: true, verbs: RW, shortNames: ['ev'], subresources: [], generation: false },
  { group: '', version: 'v1', resource: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'], subresources: ['status'], generation: false },
  { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', singular: 'lease', kind: 'Lease', namespaced: true, verbs: RW, subresources: [], generation: false },
  { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', singular: 'poddisruptionbudget', kind: 'PodDisruptionBudget', namespaced: true, verbs: RW, shortNames: ['pdb'], subresources: ['status'], generation: true },
  { group: 'apps', version: 'v1', resource: 'daemonsets', singular: 'daemonset', kind: 'DaemonSet', namespaced: true, verbs: RW, shortNames: ['ds'], subresources: ['status'], generation: true },
  { group: 'apps', version: 'v1', resource: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true, verbs: RW, shortNames: ['rs'], subresources: ['status'], generation: true },
  { group: 'apps', version: 'v1', resource: 'statefulsets', singular: 'statefulset', kind: 'StatefulSet', namespaced: true, verbs: RW, shortNames: ['sts'], subresources: ['status'], generation: true },
  { group: 'rebootmanager.io', version: 'v1alpha1', resource: 'rebootpolicies', singular: 'rebootpolicy', kind: 'RebootPolicy', namespaced: false, verbs: RW, shortNames: ['rbp'], subresources: ['status'], generation: true },
  { group: 'rebootmanager.io', version: 'v1alpha1', resource: 'maintenancerequests', singular: 'maintenancerequest', kind: 'MaintenanceRequest', namespaced: false, verbs: RW, shortNames: ['mr'], subresources: ['status'], generation: true },
  { group: 'apps', version: 'v1', resource: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, verbs: RW, shortNames: ['deploy'], subresources: ['status'], generation: true },
];

/** Store key of a resource type, e.g. "/nodes", "coordination.k8s.io/leases". */
export type ResourceKey = string;

export function keyOf(group: string, resource: string): ResourceKey {
  return `${group}/${resource}`;
}

const byKey = new Map(RESOURCE_TYPES.map((t) => [keyOf(t.group, t.resource), t]));

export function findType(group: string, version: string, resource: string): ResourceType | undefined {
  const t = byKey.get(keyOf(group, resource));
  return t && t.version === version ? t : undefined;
}

/** Lookup by plural name or kind, for the direct store API ("pods", "Pod", "leases"). */
export function typeByName(name: string): ResourceType {
  const lower = name.toLowerCase();
  const t = RESOURCE_TYPES.find((r) => r.resource === lower || r.kind.toLowerCase() === lower || keyOf(r.group, r.resource) === name);
  if (!t) throw new Error(`kube sim: unknown resource type ${name}`);
  return t;
}

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const t of RESOURCE_TYPES) if (t.group) seen.set(`${t.group}/${t.version}`, { group: t.group, version: t.version });
  return [...seen.values()];
}
