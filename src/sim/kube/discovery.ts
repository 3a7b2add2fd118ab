// /version and the legacy discovery documents kubectl and client libraries read before any call.
import { errors } from './errors.js';
import { apiVersionOf, groupVersions, RESOURCE_TYPES } from './resources.js';
import type { ResourceType } from './resources.js';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T16:02:27Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function resourceEntries(t: ResourceType): Record<string, unknown>[] {
  const main: Record<string, unknown> = { name: t.resource, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: t.verbs };
  if (t.shortNames) main.shortNames = t.shortNames;
  if (t.resource === 'pods' || t.resource === 'daemonsets' || t.resource === 'replicasets' || t.resource === 'statefulsets' || t.resource === 'deployments') main.categories = ['all'];
  const subs = t.subresources.map((s) =>
    s === 'eviction'
      ? { name: `${t.resource}/eviction`, singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] }
      : { name: `${t.resource}/${s}`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] },
  );
  return [main, ...subs];
}

function resourceList(group: string, version: string) {
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources: types.flatMap(resourceEntries) };
}

/** The discovery document at a path, or undefined when the path is not a discovery path. */
export function discovery(path: string, serverAddress: string): unknown {
  const p = path.replace(/\/+$/, '') || '/';
  if (p === '/version') return SERVER_VERSION;
  if (p === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  if (p === '/apis') {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: groupVersions().map(({ group, version }) => {
        const gv = { groupVersion: `${group}/${version}`, version };
        return { name: group, versions: [gv], preferredVersion: gv };
      }),
    };
  }
  if (p === '/api/v1') return resourceList('', 'v1');
  let m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(p);
  if (m) {
    const list = resourceList(m[1] ?? '', m[2] ?? '');
    if (!list) throw errors.notFoundPath();
    return list;
  }
  m = /^\/apis\/([^/]+)$/.exec(p);
  if (m) {
    const gv = groupVersions().find((g) => g.group === m?.[1]);
    if (!gv) throw errors.notFoundPath();
    const v = { groupVersion: `${gv.group}/${gv.version}`, version: gv.version };
    return { kind: 'APIGroup', apiVersion: 'v1', name: gv.group, versions: [v], preferredVersion: v };
  }
  if (p === '/healthz' || p === '/livez' || p === '/readyz') return 'ok';
  return undefined;
}

export { apiVersionOf };
