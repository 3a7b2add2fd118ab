// The health gate's settings: before the next claim in a scope, what the last drain disturbed is whole again. (Stub.)
import { PolicyError } from './parse-error.js';

export interface HealthGateSettings {
  readonly enabled: boolean;
  /** How long the gate waits for disturbed workloads before giving up (then `onTimeout`). */
  readonly timeoutMs: number;
  /** How long a released node must have been Ready. */
  readonly nodeReadyMs: number;
  /** After the timeout: let claims proceed (reported) or keep blocking. */
  readonly onTimeout: 'proceed' | 'block';
}

export function parseHealthGate(v: unknown, field: string, defaults: HealthGateSettings): HealthGateSettings {
  if (v === undefined || v === null) return defaults;
  throw new PolicyError(field, 'health gate settings are not supported yet');
}

/**
 * On by default. 10 minutes is a Deployment's default progressDeadlineSeconds: by then Kubernetes itself calls
 * a rollout stuck. After it the gate lets claims proceed and says so, because the next drain still honours
 * every PodDisruptionBudget. A minute of Ready outlasts the kubelet's first status flaps after a boot.
 */
export const DEFAULT_HEALTH_GATE: HealthGateSettings = { enabled: true, timeoutMs: 600_000, nodeReadyMs: 60_000, onTimeout: 'proceed' };
