// Server-side printing: the meta.k8s.io/v1 Table kubectl asks for, with the columns a real server prints.
import { nodeReady, podPhase } from './objects.js';
import type { ResourceType } from './resources.js';
import type { KubeObject, NodeObject, PodObject } from './types.js';

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const col = (name: string, type = 'string', format = '', description = ''): Column => ({ name, type, format, description, priority: 0 });

export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '');
}

/** Kubernetes' HumanDuration, as the AGE column shows it. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 192) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 730) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

function age(o: KubeObject): string {
  const ts = o.metadata.creationTimestamp;
  return ts ? humanDuration(Date.now() - Date.parse(ts)) : '<unknown>';
}

function nodeRow(o: KubeObject): unknown[] {
  const n = o as NodeObject;
  let status = nodeReady(n) ? 'Ready' : 'NotReady';
  if (n.spec?.unschedulable) status += ',SchedulingDisabled';
  const roles = Object.keys(n.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .sort();
  return [n.metadata.name, status, roles.length ? roles.join(',') : '<none>', age(n), n.status?.nodeInfo?.kubeletVersion ?? ''];
}

function podRow(o: KubeObject): unknown[] {
  const p = o as PodObject;
  const statuses = p.status?.containerStatuses ?? [];
  const total = p.spec?.containers?.length ?? 0;
  const ready = statuses.filter((c) => c.ready).length;
  const restarts = statuses.reduce((a, c) => a + (c.restartCount ?? 0), 0);
  const status = p.metadata.deletionTimestamp ? 'Terminating' : ((p.status?.reason as string | undefined) ?? podPhase(p));
  return [p.metadata.name, `${ready}/${total}`, status, restarts, age(p)];
}

function layout(t: ResourceType): { columns: Column[]; row: (o: KubeObject) => unknown[] } {
  if (t.resource === 'nodes') {
    return { columns: [col('Name', 'string', 'name'), col('Status'), col('Roles'), col('Age'), col('Version')], row: nodeRow };
  }
  if (t.resource === 'pods') {
    return { columns: [col('Name', 'string', 'name'), col('Ready'), col('Status'), col('Restarts', 'string'), col('Age')], row: podRow };
  }
  return { columns: [col('Name', 'string', 'name'), col('Age')], row: (o) => [o.metadata.name, age(o)] };
}

/** A Table of one object or of a list's items; rows carry the object's metadata like includeObject=Metadata. */
export function toTable(t: ResourceType, body: unknown, includeObject: string | null): unknown {
  const b = body as { items?: KubeObject[]; metadata?: Record<string, unknown> };
  const items = Array.isArray(b.items) ? b.items : [body as KubeObject];
  const { columns, row } = layout(t);
  const rows = items.map((o) => ({
    cells: row(o),
    object:
      includeObject === 'Object'
        ? o
        : includeObject === 'None'
          ? undefined
          : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
  }));
  const metadata = Array.isArray(b.items) ? (b.metadata ?? {}) : { resourceVersion: (body as KubeObject).metadata.resourceVersion };
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: columns, rows };
}
