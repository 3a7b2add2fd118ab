// Watch-fed cache of MaintenanceRequest objects, parsed once into the view the request lifecycle reads.
import type { Clock } from '../clock/clock.js';
import { TIME_KEYS, type MaintenanceRequestView, type RequesterState, type RequestPhase, type RequestSpec, type RequestStatus } from '../requests/request.js';
import type { KubeApi } from './api.js';
import type { KubeError } from './errors.js';
import { Reflector } from './reflector.js';

const PHASES: readonly RequestPhase[] = ['Pending', 'Approved', 'InProgress', 'Completed', 'Expired', 'Rejected'];
const STATES: readonly RequesterState[] = ['Requested', 'InProgress', 'Completed'];
/** The CRD's defaults, for objects the API server did not default (the simulator, or an older CRD). */
const DEFAULTS = { drain: true, group: 'default', startWithinSeconds: 3600, finishWithinSeconds: 14_400, state: 'Requested' } as const;
const MAX_SECONDS = 604_800;

interface RawRequest {
  metadata?: { name?: string; uid?: string; resourceVersion?: string; generation?: number; creationTimestamp?: unknown };
  spec?: Record<string, unknown>;
  status?: { phase?: unknown; message?: unknown; times?: Record<string, unknown>; conditions?: { type?: string; status?: string; lastTransitionTime?: unknown }[] };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The spec as reboot-manager can use it, or the first field it cannot (the schema should have refused it). */
export function parseRequestSpec(spec: Record<string, unknown> | undefined): RequestSpec | { problem: string; nodeName: string } {
  const s = spec ?? {};
  const nodeName = str(s.nodeName) ?? '';
  const problem = (field: string, what: string) => ({ problem: `spec.${field}: ${what}`, nodeName });
  if (nodeName === '') return problem('nodeName', 'required: the Node to take out of service');
  const reason = str(s.reason) ?? '';
  if (reason === '') return problem('reason', 'required: say why');
  const requester = str(s.requester) ?? '';
  if (requester === '') return problem('requester', 'required: say who asks');
  const drain = s.drain ?? DEFAULTS.drain;
  if (typeof drain !== 'boolean') return problem('drain', 'must be true or false');
  const group = s.group ?? DEFAULTS.group;
  if (typeof group !== 'string' || !/^[a-zA-Z0-9.-]{1,253}$/.test(group)) return problem('group', 'letters, digits, "." and "-" only');
  const seconds = (field: 'startWithinSeconds' | 'finishWithinSeconds'): number | undefined => {
    const v = s[field] ?? DEFAULTS[field];
    return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_SECONDS ? v : undefined;
  };
  const start = seconds('startWithinSeconds');
  if (start === undefined) return problem('startWithinSeconds', `a whole number of seconds from 1 to ${MAX_SECONDS}`);
  const finish = seconds('finishWithinSeconds');
  if (finish === undefined) return problem('finishWithinSeconds', `a whole number of seconds from 1 to ${MAX_SECONDS}`);
  const state = s.state ?? DEFAULTS.state;
  if (!STATES.includes(state as RequesterState)) return problem('state', `one of ${STATES.join(', ')}`);
  return { nodeName, reason, requester, drain, group, startWithinMs: start * 1000, finishWithinMs: finish * 1000, state: state as RequesterState };
}

function parseStatus(raw: RawRequest['status']): RequestStatus | undefined {
  const phase = str(raw?.phase);
  if (!raw || !PHASES.includes(phase as RequestPhase)) return undefined;
  const times: Record<string, string> = {};
  for (const key of TIME_KEYS) {
    const t = str(raw.times?.[key]);
    if (t !== undefined) times[key] = t;
  }
  const overrun = (raw.conditions ?? []).find((c) => c.type === 'Overrun' && c.status === 'True');
  const overrunAt = str(overrun?.lastTransitionTime);
  return { phase: phase as RequestPhase, message: str(raw.message) ?? '', times: times, ...(overrunAt ? { overrunAt } : {}) };
}

export function toRequestView(raw: unknown): MaintenanceRequestView {
  const r = raw as RawRequest;
  const created = r.metadata?.creationTimestamp;
  const createdAt = created instanceof Date ? created.getTime() : typeof created === 'string' ? Date.parse(created) : NaN;
  return {
    name: r.metadata?.name ?? '',
    uid: r.metadata?.uid ?? '',
    resourceVersion: r.metadata?.resourceVersion ?? '',
    generation: r.metadata?.generation ?? 0,
    createdAt: Number.isFinite(createdAt) ? createdAt : 0,
    spec: parseRequestSpec(r.spec),
    status: parseStatus(r.status),
  };
}

export class MaintenanceRequests extends Reflector<MaintenanceRequestView> {
  constructor(api: KubeApi, clock: Clock, opts: { onError?: (err: KubeError) => void; random?: () => number } = {}) {
    super({
      what: 'MaintenanceRequest objects',
      api,
      clock,
      collection: 'maintenancerequests',
      pageSize: 100,
      transform: toRequestView,
      keyOf: (r) => r.name,
      // Every write, ours included, raises an event: the lifecycle is level-triggered and its next step may follow.
      equal: (a, b) => a.uid === b.uid && a.resourceVersion === b.resourceVersion,
      ...(opts.random ? { random: opts.random } : {}),
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
  }
}
