// metav1.Status failures as typed values: handlers throw StatusError, the server serialises it.

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, string>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** Which object a failure is about, in the words of Status.details. */
export interface Subject {
  resource: string;
  group: string;
  name?: string;
}

export class StatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;
  /** Sent as the Retry-After header when set. */
  readonly retryAfterSeconds: number | undefined;
  /** The Status's list metadata, e.g. the continue token an expired list answer offers. */
  listMeta: Record<string, string> = {};

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'StatusError';
    this.code = code;
    this.reason = reason;
    this.details = details;
    this.retryAfterSeconds = details?.retryAfterSeconds;
  }

  toStatus(): StatusBody {
    const body: StatusBody = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: { ...this.listMeta },
      status: 'Failure',
      message: this.message,
      code: this.code,
    };
    if (this.reason) body.reason = this.reason;
    if (this.details) body.details = this.details;
    return body;
  }
}

/** "pods" or "leases.coordination.k8s.io", as the API server names a group-resource. */
export function qualified(s: Subject): string {
  return s.group ? `${s.resource}.${s.group}` : s.resource;
}

function details(s: Subject, extra?: StatusDetails): StatusDetails {
  const d: StatusDetails = { kind: s.resource, ...extra };
  if (s.name !== undefined) d.name = s.name;
  if (s.group) d.group = s.group;
  return d;
}

export const errors = {
  notFound: (s: Subject) =>
    new StatusError(404, 'NotFound', `${qualified(s)} "${s.name ?? ''}" not found`, details(s)),
  alreadyExists: (s: Subject) =>
    new StatusError(409, 'AlreadyExists', `${qualified(s)} "${s.name ?? ''}" already exists`, details(s)),
  conflict: (s: Subject, why = 'the object has been modified; please apply your changes to the latest version and try again') =>
    new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(s)} "${s.name ?? ''}": ${why}`, details(s)),
  badRequest: (message: string) => new StatusError(400, 'BadRequest', message),
  /** `kind` as "Lease.coordination.k8s.io"; details name the bare kind and the message lists each distinct cause once, like field.ErrorList. */
  invalid: (kind: string, s: Subject, causes: StatusCause[]) => {
    const listed = [...new Set(causes.map((c) => `${c.field ?? ''}: ${c.message ?? ''}`))];
    const what = listed.length === 1 ? (listed[0] ?? '') : `[${listed.join(', ')}]`;
    const d: StatusDetails = { name: s.name ?? '', kind: kind.split('.')[0] ?? kind, causes };
    if (s.group) d.group = s.group;
    return new StatusError(422, 'Invalid', `${kind} "${s.name ?? ''}" is invalid: ${what}`, d);
  },
  unprocessable: (message: string) => new StatusError(422, 'Invalid', message),
  forbidden: (s: Subject, why: string) => {
    const what = s.name !== undefined && s.name !== '' ? `${qualified(s)} "${s.name}"` : qualified(s);
    // A collection (no name) leaves details.name out.
    return new StatusError(403, 'Forbidden', `${what} is forbidden: ${why}`, details(s.name ? s : { resource: s.resource, group: s.group }));
  },
  unauthorized: () => new StatusError(401, 'Unauthorized', 'Unauthorized'),
  methodNotAllowed: (message = 'the server does not allow this method on the requested resource') =>
    new StatusError(405, 'MethodNotAllowed', message),
  unsupportedMediaType: (type: string) =>
    new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${type})`),
  notFoundPath: () => new StatusError(404, 'NotFound', 'the server could not find the requested resource'),
  gone: (message: string) => new StatusError(410, 'Expired', message),
  internal: (message: string) => new StatusError(500, 'InternalError', message),
  /** A bare 500 as the eviction subresource answers a pod under two budgets: no reason, no details. */
  plain500: (message: string) => new StatusError(500, '', message),
  /** A failed delete precondition, as rest.BeforeDelete words it: the Kind (not the resource) names the object. */
  preconditionFailed: (kind: string, group: string, name: string, why: string) => {
    const d: StatusDetails = { name, kind };
    if (group) d.group = group;
    return new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${group ? `${kind}.${group}` : kind} "${name}": ${why}`, d);
  },
};

/** The reason a real server gives for an HTTP status, for injected faults. */
export function reasonForCode(code: number): string {
  const map: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    405: 'MethodNotAllowed',
    409: 'Conflict',
    410: 'Expired',
    422: 'Invalid',
    429: 'TooManyRequests',
    500: 'InternalError',
    503: 'ServiceUnavailable',
    504: 'Timeout',
  };
  return map[code] ?? 'Unknown';
}
