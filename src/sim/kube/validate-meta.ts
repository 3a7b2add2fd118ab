// Label and annotation validation in the API server's words (apimachinery's IsQualifiedName and IsValidLabelValue).
import type { StatusCause } from './errors.js';
import type { KubeObject } from './types.js';

const NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const NAME_FMT = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
/** Annotations may hold 256 KiB in all, keys and values. */
const ANNOTATIONS_MAX = 256 * 1024;

function qualifiedNameErrors(key: string): string[] {
  const parts = key.split('/');
  if (parts.length > 2) return [`a valid label key ${NAME_FMT} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  const errs: string[] = [];
  const name = parts.length === 2 ? (parts[1] ?? '') : key;
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    if (prefix === '') errs.push('prefix part must be non-empty');
    else {
      if (prefix.length > 253) errs.push('prefix part must be no more than 253 bytes');
      if (!SUBDOMAIN_RE.test(prefix)) errs.push(`prefix part ${SUBDOMAIN_MSG}`);
    }
  }
  if (name === '') errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 bytes');
  if (!NAME_RE.test(name)) errs.push(`name part ${NAME_FMT}`);
  return errs;
}

const invalid = (field: string, value: string, message: string): StatusCause => ({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${message}`, field });

/** Causes for bad label keys and values, then bad annotation keys (checked lowercased) and an oversized total. */
export function metadataCauses(obj: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
    for (const m of qualifiedNameErrors(k)) causes.push(invalid('metadata.labels', k, m));
    const value = String(v);
    if (value.length > 63) causes.push(invalid('metadata.labels', value, 'must be no more than 63 bytes'));
    if (!VALUE_RE.test(value)) causes.push(invalid('metadata.labels', value, VALUE_MSG));
  }
  let size = 0;
  for (const [k, v] of Object.entries(obj.metadata.annotations ?? {})) {
    for (const m of qualifiedNameErrors(k.toLowerCase())) causes.push(invalid('metadata.annotations', k, m));
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (size > ANNOTATIONS_MAX) causes.push({ reason: 'FieldValueTooLong', message: `Too long: may not be more than ${ANNOTATIONS_MAX} bytes`, field: 'metadata.annotations' });
  return causes;
}
