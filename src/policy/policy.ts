// The rollout policy in force: one value, parsed from the RebootPolicy object (or the flags when there is none).
import type { ScopePolicy } from '../slot/pools.js';
import type { AlertBlocker, PodBlocker } from './blockers.js';
import type { HealthGateSettings } from './health-gate.js';
import type { Window } from './windows.js';

/** Longest `spec.pause.reason` and `spec.pause.by`, in characters: the CRD schema's maxLength (a test keeps them equal). */
export const PAUSE_REASON_MAX_LENGTH = 1024;
export const PAUSE_BY_MAX_LENGTH = 256;

/** Characters as the API server's maxLength counts them: code points. */
export function characters(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Who paused new claims, when and why. */
export interface Pause {
  readonly reason: string;
  /** Who paused (the CLI fills in the user); '' when unknown. */
  readonly by: string;
  /** RFC 3339; '' when unknown. */
  readonly since: string;
}

export interface Policy {
  /**
   * The budgets come from a RebootPolicy object that sets maxUnavailable, topology or pools: they replace --max-rebooting,
   * --slots-per-group and --count-unavailable. False: the flags (no object, or one that sets no budget).
   */
  readonly budgetsFromObject: boolean;
  /** Cluster cap, topology caps and pools. */
  readonly budget: ScopePolicy;
  /** Cluster-wide windows; none: always open. */
  readonly windows: readonly Window[];
  /** Windows of each pool that has some, by pool name. */
  readonly poolWindows: ReadonlyMap<string, readonly Window[]>;
  /** A window closing on a node still draining: stop the drain and give the slot back, or let it finish. */
  readonly drainOutsideWindow: 'stop' | 'finish';
  readonly pause: Pause | undefined;
  readonly podBlockers: readonly PodBlocker[];
  readonly alertBlockers: readonly AlertBlocker[];
  readonly healthGate: HealthGateSettings;
}

/** What an empty policy means: the process's flags. */
export interface PolicyDefaults {
  readonly maxUnavailable: number;
  /** Only with no object budgets (--count-unavailable); an object that sets budgets says it itself and defaults to true. */
  readonly countUnavailable: boolean;
  readonly healthGate: HealthGateSettings;
}
