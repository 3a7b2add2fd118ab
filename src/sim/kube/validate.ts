// Validation the real API server does on the objects the project writes.
import { errors } from './errors.js';
import type { ResourceType } from './resources.js';
import type { KubeObject } from './types.js';

const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** MicroTime fields fail decoding (400) unless they carry six fractional digits, as Go's RFC3339Micro layout demands. */
function checkMicroTime(field: string, v: unknown): void {
  if (v === undefined || v === null) return;
  if (typeof v !== 'string' || !MICRO_TIME.test(v)) {
    throw errors.badRequest(
      `Lease in version "v1" cannot be handled as a Lease: parsing time ${JSON.stringify(v)} as "2006-01-02T15:04:05.000000Z07:00": cannot parse ${field} as MicroTime (want six fractional digits)`,
    );
  }
}

function validateLease(obj: KubeObject): void {
  const spec = obj.spec ?? {};
  checkMicroTime('spec.acquireTime', spec.acquireTime);
  checkMicroTime('spec.renewTime', spec.renewTime);
  const d = spec.leaseDurationSeconds;
  if (d !== undefined && d !== null && (typeof d !== 'number' || !Number.isInteger(d) || d <= 0)) {
    throw errors.invalid('Lease.coordination.k8s.io', { resource: 'leases', group: 'coordination.k8s.io', name: obj.metadata.name ?? '' }, [
      { reason: 'FieldValueInvalid', field: 'spec.leaseDurationSeconds', message: `Invalid value: ${JSON.stringify(d)}: must be greater than 0` },
    ]);
  }
  const t = spec.leaseTransitions;
  if (t !== undefined && t !== null && (typeof t !== 'number' || t < 0)) {
    throw errors.invalid('Lease.coordination.k8s.io', { resource: 'leases', group: 'coordination.k8s.io', name: obj.metadata.name ?? '' }, [
      { reason: 'FieldValueInvalid', field: 'spec.leaseTransitions', message: `Invalid value: ${JSON.stringify(t)}: must be greater than or equal to 0` },
    ]);
  }
}

export function validate(t: ResourceType, obj: KubeObject): void {
  const name = obj.metadata.name;
  if (name && t.resource !== 'events' && !DNS_SUBDOMAIN.test(name)) {
    const kind = t.group ? `${t.kind}.${t.group}` : t.kind;
    throw errors.invalid(kind, { resource: t.resource, group: t.group, name }, [
      { reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character` },
    ]);
  }
  if (t.resource === 'leases') validateLease(obj);
}
