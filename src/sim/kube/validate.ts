// Validation the real API server does on the objects the project writes: decoding (400) first, then every field error (422).
import type { StatusCause } from './errors.js';
import { errors } from './errors.js';
import type { ResourceType } from './resources.js';
import type { KubeObject } from './types.js';
import { metadataCauses } from './validate-meta.js';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const UP_TO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/;
const ZONE = /^(Z|[+-]\d{2}:\d{2})$/;
/** An update validates the object's metadata again on top of the update checks: each metadata error comes four times. */
const UPDATE_METADATA_REPEATS = 4;

export type WriteKind = 'create' | 'update';

/** Where Go's time.Parse with the RFC3339Micro layout gives up, in its words; undefined when the value parses. */
function microTimeError(v: string): string | undefined {
  if (!UP_TO_SECONDS.test(v)) return `cannot parse ${JSON.stringify(v)} as "2006"`;
  const rest = v.slice(19);
  if (!/^\.\d{6}/.test(rest)) return `cannot parse ${JSON.stringify(rest)} as ".000000"`;
  const zone = rest.slice(7);
  return ZONE.test(zone) ? undefined : `cannot parse ${JSON.stringify(zone)} as "Z07:00"`;
}

/** MicroTime fields fail decoding (400) unless they carry six fractional digits, as Go's RFC3339Micro layout demands. */
function checkMicroTime(v: unknown): void {
  if (v === undefined || v === null) return;
  const why = typeof v === 'string' ? microTimeError(v) : 'not a string';
  if (why === undefined) return;
  throw errors.badRequest(`Lease in version "v1" cannot be handled as a Lease: parsing time ${JSON.stringify(v)} as "2006-01-02T15:04:05.000000Z07:00": ${why}`);
}

function leaseCauses(obj: KubeObject): StatusCause[] {
  const spec = obj.spec ?? {};
  checkMicroTime(spec.acquireTime);
  checkMicroTime(spec.renewTime);
  const causes: StatusCause[] = [];
  const d = spec.leaseDurationSeconds;
  if (d !== undefined && d !== null && (typeof d !== 'number' || !Number.isInteger(d) || d <= 0)) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.leaseDurationSeconds', message: `Invalid value: ${JSON.stringify(d)}: must be greater than 0` });
  }
  const t = spec.leaseTransitions;
  if (t !== undefined && t !== null && (typeof t !== 'number' || t < 0)) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.leaseTransitions', message: `Invalid value: ${JSON.stringify(t)}: must be greater than or equal to 0` });
  }
  return causes;
}

/** An Event lives in its object's namespace; one about a cluster-scoped object (a Node) only in `default`. */
function eventCauses(obj: KubeObject): StatusCause[] {
  const involved = (obj as { involvedObject?: { namespace?: string } }).involvedObject?.namespace ?? '';
  const ns = obj.metadata.namespace ?? '';
  const ok = involved === '' ? ns === '' || ns === 'default' : ns === involved;
  return ok ? [] : [{ reason: 'FieldValueInvalid', field: 'involvedObject.namespace', message: `Invalid value: ${JSON.stringify(involved)}: does not match event.namespace` }];
}

export function validate(t: ResourceType, obj: KubeObject, write: WriteKind = 'create'): void {
  const name = obj.metadata.name ?? '';
  const causes: StatusCause[] = [];
  if (name && t.resource !== 'events' && !DNS_SUBDOMAIN.test(name)) {
    causes.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')` });
  }
  const meta = metadataCauses(obj);
  for (let i = 0; i < (write === 'update' ? UPDATE_METADATA_REPEATS : 1); i++) causes.push(...meta);
  if (t.resource === 'leases') causes.push(...leaseCauses(obj));
  if (t.resource === 'events') causes.push(...eventCauses(obj));
  if (causes.length > 0) throw errors.invalid(t.group ? `${t.kind}.${t.group}` : t.kind, { resource: t.resource, group: t.group, name }, causes);
}
