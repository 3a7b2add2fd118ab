// What every answer must be: a documented status, `{kind, value}` on every refusal, 5xx only for not_leader/unavailable.
import { REFUSAL_STATUS, type RefusalKind } from '../../../src/fleetlock/refusal.js';
import { statusesOf } from '../../../src/http/refusal-statuses.js';
import type { RawResponse } from '../raw-client.js';

const KINDS = Object.keys(REFUSAL_STATUS) as RefusalKind[];
const DOCUMENTED = new Set(KINDS.flatMap((k) => statusesOf(k)));
const OK_BODY = '{"status":"ok"}';

const isKind = (kind: unknown): kind is RefusalKind => typeof kind === 'string' && Object.hasOwn(REFUSAL_STATUS, kind);

/** What is wrong with `res` under the FleetLock contract; undefined when nothing is. `head`: HEAD answers carry no body. */
export function breach(res: RawResponse, head: boolean): string | undefined {
  if (res.status >= 200 && res.status < 300) {
    if (res.status !== 200) return `status ${res.status}: FleetLock's only 2xx is 200`;
    return head || res.body.toString() === OK_BODY ? undefined : `200 with body ${res.body.toString().slice(0, 80)}`;
  }
  if (!DOCUMENTED.has(res.status)) return `status ${res.status} is documented for no refusal kind`;
  if (!/^application\/json/.test(res.headers.get('content-type') ?? '')) return `status ${res.status} without a JSON content type`;
  if (head) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(res.body.toString('utf8'));
  } catch {
    return `status ${res.status} with a body that is not JSON: ${JSON.stringify(res.body.toString('latin1').slice(0, 80))}`;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return `status ${res.status}: the body is not an object`;
  const keys = Object.keys(body).sort().join(',');
  if (keys !== 'kind,value') return `status ${res.status} with keys ${keys}, not kind,value`;
  const { kind, value } = body as { kind: unknown; value: unknown };
  if (!isKind(kind)) return `unknown kind ${JSON.stringify(kind)}`;
  if (typeof value !== 'string' || value === '') return `kind ${kind} with an empty or non-string value`;
  if (!statusesOf(kind).includes(res.status)) return `kind ${kind} answered ${res.status}, documented ${statusesOf(kind).join('/')}`;
  return undefined;
}

/** The kind of a refusal, or `ok` / `head` when there is none to read. */
export function kindOf(res: RawResponse, head: boolean): string {
  if (res.status === 200) return 'ok';
  if (head) return `head ${res.status}`;
  try {
    return String((JSON.parse(res.body.toString('utf8')) as { kind?: unknown }).kind);
  } catch {
    return 'unreadable';
  }
}
