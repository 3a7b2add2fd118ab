// MaintenanceRequests on the real API server: created with kubectl as an admin would, read back, waited on.
import type { ControlPlane } from '../../../kit/control-plane.js';
import { pollUntil } from '../../../kit/poll.js';
import type { RequestObject } from '../../support/requests.js';

export const MR_PATH = '/apis/rebootmanager.io/v1alpha1/maintenancerequests';

/** As the simulator's tests read it; the real API server always sets the resourceVersion. */
export type MaintenanceRequestObject = RequestObject & { metadata: { resourceVersion: string } };

/** The object `kubectl create -f -` gets: our defaults for reason and requester, then `spec`. */
export function requestJson(name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'rebootmanager.io/v1alpha1', kind: 'MaintenanceRequest', metadata: { name }, spec: { reason: 'replace disk sdb', requester: 'alice', ...spec } });
}

export async function createRequest(plane: ControlPlane, name: string, spec: Record<string, unknown>): Promise<void> {
  await plane.kubectl(['create', '-f', '-'], { input: requestJson(name, spec) });
}

export async function readRequest(plane: ControlPlane, name: string): Promise<MaintenanceRequestObject> {
  return plane.admin.ok<MaintenanceRequestObject>('GET', `${MR_PATH}/${name}`);
}

/** Resolves with the request once `ok` holds for it. */
export function requestUntil(plane: ControlPlane, name: string, what: string, ok: (r: MaintenanceRequestObject) => boolean, timeoutMs = 120_000): Promise<MaintenanceRequestObject> {
  return pollUntil(`MaintenanceRequest ${name} ${what}`, async () => {
    const r = await readRequest(plane, name);
    return ok(r) ? r : undefined;
  }, { timeoutMs });
}

/** Resolves with the request once its phase is `phase` (and its message matches, if given). */
export function phaseOf(plane: ControlPlane, name: string, phase: string, message?: RegExp): Promise<MaintenanceRequestObject> {
  return requestUntil(plane, name, `${phase}${message ? ` ${String(message)}` : ''}`, (r) => r.status?.phase === phase && (!message || message.test(r.status.message ?? '')));
}

export const conditionOf = (r: MaintenanceRequestObject, type: string): string | undefined => r.status?.conditions?.find((c) => c.type === type)?.status;

/** The CLI as a person runs it: exit code and output, never a throw. */
export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `kubectl ...` that may fail: its exit code and stderr instead of a rejection. */
export async function kubectlRun(plane: ControlPlane, args: readonly string[], opts: { kubeconfig?: string; input?: string } = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await plane.kubectl(args, opts);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
  }
}
