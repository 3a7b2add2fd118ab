// A MaintenanceRequest's status as reboot-manager writes it: phase, message, times, drain progress and the
// conditions `kubectl wait` reads, in one compare-and-swap on the status subresource.
import type { RequestStatus } from '../requests/request.js';
import type { DrainProgress } from '../slot/slot.js';
import type { KubeApi } from './api.js';

export interface RequestStatusWrite extends RequestStatus {
  readonly observedGeneration: number;
  readonly drain: DrainProgress | null;
}

/** `Approved` while approved and not ended early; `Overrun` once the finishing deadline passed. Times come from the data. */
export function requestConditions(s: RequestStatus, observedGeneration: number): object[] {
  const approved = s.times.approved !== undefined && ['Approved', 'InProgress', 'Completed'].includes(s.phase);
  const since = approved ? s.times.approved : (s.times.expired ?? s.times.rejected ?? s.times.pending);
  const out: object[] = [
    { type: 'Approved', status: approved ? 'True' : 'False', reason: approved ? 'Approved' : s.phase, message: s.message.slice(0, 1024), lastTransitionTime: since, observedGeneration },
  ];
  if (s.overrunAt) out.push({ type: 'Overrun', status: 'True', reason: 'FinishDeadlinePassed', message: 'the work ran past spec.finishWithinSeconds', lastTransitionTime: s.overrunAt, observedGeneration });
  return out;
}

/** Compare-and-swap on `resourceVersion`: a write from a deposed leader, or on an edited request, fails with 409. */
export async function writeRequestStatus(api: KubeApi, name: string, resourceVersion: string, s: RequestStatusWrite): Promise<void> {
  const drain = s.drain && { evicted: s.drain.evicted, total: s.drain.total, terminating: s.drain.terminating, blockers: s.drain.blockers, timedOut: s.drain.timedOut !== null, done: s.drain.done !== null };
  await api.patchCustom(
    'maintenancerequests',
    name,
    {
      metadata: { resourceVersion },
      status: { phase: s.phase, message: s.message.slice(0, 4096), observedGeneration: s.observedGeneration, times: s.times, drain, conditions: requestConditions(s, s.observedGeneration) },
    },
    'status',
  );
}
