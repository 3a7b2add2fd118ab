// The health gate's settings: before the next claim in a scope, what the last drain disturbed is whole again.
import { PolicyError, object } from './parse-error.js';

export interface HealthGateSettings {
  readonly enabled: boolean;
  /** How long the gate waits for disturbed workloads before giving up (then `onTimeout`). */
  readonly timeoutMs: number;
  /** How long a released node must have been Ready. */
  readonly nodeReadyMs: number;
  /** After the timeout: let claims proceed (reported) or keep blocking. */
  readonly onTimeout: 'proceed' | 'block';
}

/** The CRD's bounds (kubernetes/base/policy-crd.yaml), checked here too: the server may read a spec the API server did not validate. */
const MAX_SECONDS = 86_400;

function seconds(v: unknown, field: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > MAX_SECONDS) throw new PolicyError(field, `must be a whole number of seconds from ${min} to ${MAX_SECONDS}, got ${JSON.stringify(v)}`);
  return v * 1000;
}

function onTimeout(v: unknown, field: string): 'proceed' | 'block' {
  if (v === 'Proceed') return 'proceed';
  if (v === 'Block') return 'block';
  throw new PolicyError(field, `must be Proceed or Block, got ${JSON.stringify(v)}`);
}

/** `spec.healthGate`; a field left out takes the server's flag (`defaults`). Throws `PolicyError` naming the bad field. */
export function parseHealthGate(v: unknown, field: string, defaults: HealthGateSettings): HealthGateSettings {
  const o = object(v, field);
  if (o.enabled !== undefined && typeof o.enabled !== 'boolean') throw new PolicyError(`${field}.enabled`, 'must be true or false');
  return {
    enabled: o.enabled ?? defaults.enabled,
    timeoutMs: o.timeoutSeconds === undefined ? defaults.timeoutMs : seconds(o.timeoutSeconds, `${field}.timeoutSeconds`, 1),
    nodeReadyMs: o.nodeReadySeconds === undefined ? defaults.nodeReadyMs : seconds(o.nodeReadySeconds, `${field}.nodeReadySeconds`, 0),
    onTimeout: o.onTimeout === undefined ? defaults.onTimeout : onTimeout(o.onTimeout, `${field}.onTimeout`),
  };
}

/**
 * On by default. 10 minutes is a Deployment's default progressDeadlineSeconds: by then Kubernetes itself calls
 * a rollout stuck. After it the gate lets claims proceed and says so, because the next drain still honours
 * every PodDisruptionBudget. A minute of Ready outlasts the kubelet's first status flaps after a boot.
 */
export const DEFAULT_HEALTH_GATE: HealthGateSettings = { enabled: true, timeoutMs: 600_000, nodeReadyMs: 60_000, onTimeout: 'proceed' };
