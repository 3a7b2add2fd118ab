// The `fleet-lock-protocol: true` header proves a request was meant for a FleetLock server.
import { Refusal } from './refusal.js';

export const PROTOCOL_HEADER = 'fleet-lock-protocol';

/** Request headers as Node gives them (lower-case names) or any plain object with names in any case. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

function findHeader(headers: RequestHeaders, name: string): string | readonly string[] | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  // Node lower-cases names already; this scan only runs for hand-built header objects.
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === name) return headers[key];
  }
  return undefined;
}

/** A `Refusal('bad_request')` unless the header is present exactly once with value `true`. */
export function checkProtocolHeader(headers: RequestHeaders): Refusal | undefined {
  const value = findHeader(headers, PROTOCOL_HEADER);
  if (value === 'true') return undefined;
  if (value === undefined) {
    return new Refusal('bad_request', `missing header "${PROTOCOL_HEADER}: true": this endpoint speaks FleetLock only`);
  }
  const shown = typeof value === 'string' ? value : value.join(', ');
  return new Refusal('bad_request', `header "${PROTOCOL_HEADER}" must be "true", got ${JSON.stringify(shown.slice(0, 64))}`);
}
