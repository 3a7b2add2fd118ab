// Blockers as the policy states them: pods and firing alerts that hold back new claims. (Stub: filled in by the blockers work.)
import type { LabelSelector } from '../slot/label-selector.js';
import { PolicyError } from './parse-error.js';

/** Pods matching `selector` block new claims: anywhere (`cluster`), or only on the asking node (`node`). */
export interface PodBlocker {
  readonly name: string;
  /** Only pods in this namespace; unset: every namespace. */
  readonly namespace?: string;
  readonly selector: LabelSelector;
  readonly scope: 'cluster' | 'node';
}

/** Firing alerts matching `matchers` (on alert labels) block new claims. */
export interface AlertBlocker {
  readonly name: string;
  /** Base URL of Prometheus or Alertmanager. */
  readonly url: string;
  readonly api: 'prometheus' | 'alertmanager';
  readonly matchers: LabelSelector;
  /** When the query fails: block new claims (default) or proceed. */
  readonly onError: 'block' | 'proceed';
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

export function parsePodBlockers(v: unknown, field: string): PodBlocker[] {
  if (v === undefined || v === null) return [];
  throw new PolicyError(field, 'pod blockers are not supported yet');
}

export function parseAlertBlockers(v: unknown, field: string): AlertBlocker[] {
  if (v === undefined || v === null) return [];
  throw new PolicyError(field, 'alert blockers are not supported yet');
}
