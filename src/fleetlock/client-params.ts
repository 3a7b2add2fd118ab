// Validates `client_params` and assembles a FleetLock request from headers and raw body.
import { decodeJsonBody } from './json-body.js';
import { groupProblem } from './group.js';
import { checkProtocolHeader, type RequestHeaders } from './protocol-header.js';
import { Refusal } from './refusal.js';
import type { ClientParams } from './types.js';

export const MAX_ID_LENGTH = 256;

// Control characters (C0, DEL, C1) and lone UTF-16 surrogates, which no log line or annotation should carry.
const FORBIDDEN_IN_ID = /[\p{Cc}]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
const EXPECTED = 'expected {"client_params":{"id":"<string>","group":"<string>"}}';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function codePointLength(s: string): number {
  // A string's UTF-16 length bounds its code point count from above, so counting is rarely needed.
  if (s.length <= MAX_ID_LENGTH) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function validateId(id: unknown): string | Refusal {
  if (typeof id !== 'string') return new Refusal('bad_request', `client_params.id must be a string, got ${describe(id)}`);
  if (id === '') return new Refusal('bad_request', 'client_params.id must not be empty');
  if (codePointLength(id) > MAX_ID_LENGTH) {
    return new Refusal('bad_request', `client_params.id must be at most ${MAX_ID_LENGTH} characters`);
  }
  if (FORBIDDEN_IN_ID.test(id)) {
    return new Refusal('bad_request', 'client_params.id must not contain control characters or unpaired surrogates');
  }
  return id;
}

function validateGroup(group: unknown): string | Refusal {
  if (typeof group !== 'string') {
    return new Refusal('bad_request', `client_params.group must be a string, got ${describe(group)}`);
  }
  const problem = groupProblem(group);
  return problem ? new Refusal('bad_request', `client_params.group ${problem}`) : group;
}

/** Validates a parsed body; unknown extra fields are ignored. A `Refusal('bad_request')` says what is wrong. */
export function validateClientParams(body: unknown): ClientParams | Refusal {
  if (!isPlainObject(body)) return new Refusal('bad_request', `request body is ${describe(body)}; ${EXPECTED}`);
  const params = body.client_params;
  if (params === undefined) return new Refusal('bad_request', `request body has no "client_params"; ${EXPECTED}`);
  if (!isPlainObject(params)) {
    return new Refusal('bad_request', `"client_params" must be an object, got ${describe(params)}; ${EXPECTED}`);
  }
  const id = validateId(params.id);
  if (id instanceof Refusal) return id;
  const group = validateGroup(params.group);
  if (group instanceof Refusal) return group;
  return { id, group };
}

/**
 * A FleetLock request as the protocol defines it: header `fleet-lock-protocol: true` and a JSON
 * body with `client_params`. The Content-Type is not looked at. A `Refusal('bad_request')` says what is wrong.
 */
export function parseClientParams(headers: RequestHeaders, rawBody: Uint8Array | string | undefined): ClientParams | Refusal {
  const badHeader = checkProtocolHeader(headers);
  if (badHeader) return badHeader;
  const body = decodeJsonBody(rawBody);
  return body instanceof Refusal ? body : validateClientParams(body.json);
}
