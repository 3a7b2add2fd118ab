// The scheduled-events and compute documents, parsed strictly: a wrong shape is an ImdsMalformedError.
import { ImdsMalformedError } from './imds-errors.js';
import { parseRfc1123 } from './rfc1123.js';

export const KNOWN_EVENT_TYPES = ['Freeze', 'Reboot', 'Redeploy', 'Preempt', 'Terminate'] as const;
export type KnownEventType = (typeof KNOWN_EVENT_TYPES)[number];
export type EventStatus = 'Scheduled' | 'Started';

export interface ScheduledEvent {
  readonly eventId: string;
  /** One of KNOWN_EVENT_TYPES, or whatever newer type the platform sent (kept, never impactful by default). */
  readonly eventType: string;
  readonly known: boolean;
  readonly resourceType: string;
  readonly resources: readonly string[];
  readonly status: EventStatus;
  /** `undefined` once Started (IMDS sends an empty string then). */
  readonly notBefore: Date | undefined;
  /** `0` none, `-1` unknown. */
  readonly durationInSeconds: number;
  readonly eventSource: string;
  readonly description: string;
}

export interface EventsDocument {
  readonly incarnation: number;
  readonly events: readonly ScheduledEvent[];
}

export interface ComputeInfo {
  /** The VM name exactly as `Resources` lists it (`<scaleSet>_<instanceId>` in a uniform scale set). */
  readonly name: string;
  readonly vmScaleSetName: string;
  readonly resourceId: string;
  readonly computerName: string;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Json, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new ImdsMalformedError(`${where}.${key}`, 'must be a string');
  return v;
}

function int(o: Json, key: string, where: string, min: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new ImdsMalformedError(`${where}.${key}`, `must be an integer of at least ${min}`);
  }
  return v;
}

export function isKnownEventType(t: string): t is KnownEventType {
  return (KNOWN_EVENT_TYPES as readonly string[]).includes(t);
}

function parseEvent(raw: unknown, where: string): ScheduledEvent {
  if (!isObject(raw)) throw new ImdsMalformedError(where, 'must be an object');
  const eventId = str(raw, 'EventId', where);
  if (eventId === '') throw new ImdsMalformedError(`${where}.EventId`, 'must not be empty');
  const eventType = str(raw, 'EventType', where);
  if (eventType === '') throw new ImdsMalformedError(`${where}.EventType`, 'must not be empty');
  const resources = raw.Resources;
  if (!Array.isArray(resources) || !resources.every((r): r is string => typeof r === 'string')) {
    throw new ImdsMalformedError(`${where}.Resources`, 'must be an array of strings');
  }
  const status = str(raw, 'EventStatus', where);
  if (status !== 'Scheduled' && status !== 'Started') {
    throw new ImdsMalformedError(`${where}.EventStatus`, `must be Scheduled or Started, got ${JSON.stringify(status)}`);
  }
  const notBeforeText = str(raw, 'NotBefore', where);
  let notBefore: Date | undefined;
  if (notBeforeText !== '') {
    notBefore = parseRfc1123(notBeforeText);
    if (!notBefore) throw new ImdsMalformedError(`${where}.NotBefore`, `is not an RFC 1123 date: ${JSON.stringify(notBeforeText)}`);
  } else if (status === 'Scheduled') {
    throw new ImdsMalformedError(`${where}.NotBefore`, 'must be set while the event is Scheduled');
  }
  return {
    eventId,
    eventType,
    known: isKnownEventType(eventType),
    resourceType: str(raw, 'ResourceType', where),
    resources,
    status,
    notBefore,
    durationInSeconds: int(raw, 'DurationInSeconds', where, -1),
    eventSource: str(raw, 'EventSource', where),
    description: str(raw, 'Description', where),
  };
}

/** Parses `GET /metadata/scheduledevents`. Throws ImdsMalformedError naming the first bad field. */
export function parseEventsDocument(raw: unknown): EventsDocument {
  if (!isObject(raw)) throw new ImdsMalformedError('document', 'must be a JSON object');
  const incarnation = int(raw, 'DocumentIncarnation', 'document', 0);
  const events = raw.Events;
  if (!Array.isArray(events)) throw new ImdsMalformedError('document.Events', 'must be an array');
  const parsed = events.map((e, i) => parseEvent(e, `Events[${i}]`));
  const ids = new Set(parsed.map((e) => e.eventId));
  if (ids.size !== parsed.length) throw new ImdsMalformedError('document.Events', 'lists an EventId twice');
  return { incarnation, events: parsed };
}

/** Parses `GET /metadata/instance/compute`; only `name` is required to be non-empty. */
export function parseCompute(raw: unknown): ComputeInfo {
  if (!isObject(raw)) throw new ImdsMalformedError('compute', 'must be a JSON object');
  const name = str(raw, 'name', 'compute');
  if (name === '') throw new ImdsMalformedError('compute.name', 'must not be empty');
  const optional = (key: string): string => (raw[key] === undefined ? '' : str(raw, key, 'compute'));
  const os = raw.osProfile;
  const computerName = isObject(os) && typeof os.computerName === 'string' ? os.computerName : '';
  return { name, vmScaleSetName: optional('vmScaleSetName'), resourceId: optional('resourceId'), computerName };
}
