// The policy in force: the `default` RebootPolicy when it parses; when an edit does not, the last accepted generation (in
// memory, or stored in the object's status by a leader) with the edit's own pause; the flags when there is none.
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { KubeError } from '../kube/errors.js';
import { POLICY_NAME, type PolicyObjectView } from '../kube/policy-objects.js';
import type { CacheEvent } from '../kube/reflector.js';
import { inForceText, staysInForce } from './in-force.js';
import { PolicyError, object as specObject } from './parse-error.js';
import { flagsPolicy, parsePause, parsePolicySpec } from './parse.js';
import type { Pause, Policy, PolicyDefaults } from './policy.js';

/** An edit the server could not use: the last accepted generation (or the flags) stays in force, with the edit's pause. */
export interface PolicyRejection {
  readonly generation: number;
  readonly field: string;
  readonly reason: string;
  /** ms since the epoch. */
  readonly at: number;
  /** The edit's own spec.pause (set or lifted) is in force: a pause always applies, unless spec.pause is what is wrong. */
  readonly pauseApplies: boolean;
}

export interface PolicyStatus {
  /** `flags`: no RebootPolicy named default (or the CRD is not installed, or none was ever accepted); `object`: a generation is in force. */
  readonly source: 'flags' | 'object';
  /** The generation in force (source `object`): while an edit is rejected, the last accepted one. */
  readonly generation?: number;
  readonly rejection?: PolicyRejection;
  /** The API has no RebootPolicy resource: the CRD is not installed. */
  readonly crdMissing: boolean;
}

/** Where acceptances and rejections are reported (status, Events, metrics). */
export interface PolicyReport {
  accepted(object: PolicyObjectView): void;
  rejected(object: PolicyObjectView, error: PolicyError, inForce: RejectedInForce): void;
  /** No RebootPolicy any more (deleted): the flags are in force, and nothing is rejected. */
  flags(): void;
}

/** What a rejected edit leaves in force. */
export interface RejectedInForce {
  /** The last accepted generation; undefined: the flags. */
  readonly generation: number | undefined;
  readonly pauseApplies: boolean;
  /** New claims are paused now. */
  readonly paused: boolean;
}

/** A generation this replica accepted, or read back from the status; `uid` tells a recreated object apart. */
interface Accepted {
  readonly uid: string;
  readonly generation: number;
  readonly policy: Policy;
}

export interface PolicyObjectSource {
  values(): Iterable<PolicyObjectView>;
  on(listener: (event: CacheEvent<PolicyObjectView>) => void): () => void;
  readonly synced: boolean;
  whenSynced(): Promise<void>;
}

export interface PolicySourceDeps {
  readonly objects: PolicyObjectSource;
  readonly defaults: PolicyDefaults;
  readonly log: Logger;
  readonly clock: Clock;
  readonly report?: PolicyReport;
}

export class PolicySource {
  private readonly flags: Policy;
  private inForce: Policy;
  private lastAccepted: Accepted | undefined;
  private statusValue: PolicyStatus = { source: 'flags', crdMissing: false };
  private readonly listeners = new Set<(policy: Policy) => void>();
  private readonly off: () => void;
  private crdMissingSeen: (() => void) | undefined;
  private readonly crdMissingPromise = new Promise<void>((resolve) => (this.crdMissingSeen = resolve));

  constructor(private readonly deps: PolicySourceDeps) {
    this.flags = flagsPolicy(deps.defaults);
    this.inForce = this.flags;
    for (const object of deps.objects.values()) this.seen(object);
    this.off = deps.objects.on((event) => (event.type === 'deleted' ? this.deleted(event.key) : this.seen(event.current)));
  }

  current(): Policy {
    return this.inForce;
  }

  status(): PolicyStatus {
    return this.statusValue;
  }

  /** The policy is known: the objects listed, or the API said the resource does not exist. */
  get synced(): boolean {
    return this.deps.objects.synced || this.statusValue.crdMissing;
  }

  /** Resolves once `synced`. */
  whenSynced(): Promise<void> {
    return Promise.race([this.deps.objects.whenSynced(), this.crdMissingPromise]);
  }

  on(listener: (policy: Policy) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The policy watch failed: a missing CRD means "no policy" (the flags), reported once; anything else is retried by the watch. */
  watchFailed(err: KubeError): void {
    if (err.code !== 'not_found') return;
    if (!this.statusValue.crdMissing) {
      this.deps.log.warn('the RebootPolicy resource is not installed (kubectl apply -k kubernetes/): the flags are the policy');
      this.lastAccepted = undefined;
      this.statusValue = { source: 'flags', crdMissing: true };
      this.deps.report?.flags();
      if (this.inForce !== this.flags) this.apply(this.flags);
    }
    this.crdMissingSeen?.();
  }

  close(): void {
    this.off();
  }

  /** Reports the state in force again (a new leader writes the status). */
  republish(): void {
    const object = [...this.deps.objects.values()].find((o) => o.name === POLICY_NAME);
    if (!object) return;
    const rejection = this.statusValue.rejection;
    if (rejection && rejection.generation === object.generation) this.deps.report?.rejected(object, new PolicyError(rejection.field, rejection.reason), this.rejectedInForce(rejection));
    else if (this.statusValue.generation === object.generation) this.deps.report?.accepted(object);
  }

  private rejectedInForce(rejection: PolicyRejection): RejectedInForce {
    return { generation: this.statusValue.generation, pauseApplies: rejection.pauseApplies, paused: this.inForce.pause !== undefined };
  }

  private seen(object: PolicyObjectView): void {
    if (object.name !== POLICY_NAME) {
      this.deps.log.warn({ policy: object.name }, `RebootPolicy ${object.name} is ignored: reboot-manager reads the one named ${POLICY_NAME}`);
      return;
    }
    let policy: Policy;
    try {
      policy = parsePolicySpec(object.spec, this.deps.defaults);
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err;
      this.rejected(object, err);
      return;
    }
    this.lastAccepted = { uid: object.uid, generation: object.generation, policy };
    this.statusValue = { source: 'object', generation: object.generation, crdMissing: false };
    this.deps.log.info({ policy: object.name, generation: object.generation }, 'RebootPolicy in force');
    this.deps.report?.accepted(object);
    this.apply(policy);
  }

  /** The last accepted generation (or the flags) stays in force, with the edit's own pause when that is valid. */
  private rejected(object: PolicyObjectView, err: PolicyError): void {
    const base = this.lastAcceptedOf(object);
    const pause = pauseOf(object.spec);
    const basePolicy = base?.policy ?? this.flags;
    const policy = pause.applies ? { ...basePolicy, pause: pause.pause } : basePolicy;
    const rejection = { generation: object.generation, field: err.field, reason: err.reason, at: this.deps.clock.now(), pauseApplies: pause.applies };
    this.statusValue = { source: base ? 'object' : 'flags', ...(base ? { generation: base.generation } : {}), crdMissing: false, rejection };
    this.deps.log.warn(
      { policy: object.name, generation: object.generation, field: err.field, reason: err.reason, inForce: inForceText(base?.generation), pauseApplies: pause.applies, paused: policy.pause !== undefined },
      `RebootPolicy rejected: ${staysInForce(base?.generation)}${pause.applies ? ', with the edit’s spec.pause' : ''}`,
    );
    if (!samePolicy(policy, this.inForce)) this.apply(policy);
    this.deps.report?.rejected(object, err, this.rejectedInForce(rejection));
  }

  /** What this replica accepted of this object, or what a leader stored in its status, whichever is newer; undefined: none parses. */
  private lastAcceptedOf(object: PolicyObjectView): Accepted | undefined {
    const known = this.lastAccepted?.uid === object.uid ? this.lastAccepted : undefined;
    const stored = object.inForce;
    if (!stored || (known && known.generation >= stored.generation)) return known;
    try {
      this.lastAccepted = { uid: object.uid, generation: stored.generation, policy: parsePolicySpec(stored.spec, this.deps.defaults) };
      return this.lastAccepted;
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err;
      this.deps.log.warn({ policy: object.name, generation: stored.generation, field: err.field, reason: err.reason }, 'the last accepted RebootPolicy stored in its status does not parse either');
      return known;
    }
  }

  private deleted(name: string): void {
    if (name !== POLICY_NAME) return;
    this.lastAccepted = undefined;
    this.statusValue = { source: 'flags', crdMissing: false };
    this.deps.log.info('RebootPolicy default deleted: the flags are the policy');
    this.deps.report?.flags();
    this.apply(this.flags);
  }

  private apply(policy: Policy): void {
    this.inForce = policy;
    for (const listener of this.listeners) listener(policy);
  }
}

/** A rejected spec's own pause: it applies when spec.pause parses (absent: not paused). */
function pauseOf(spec: unknown): { readonly applies: true; readonly pause: Pause | undefined } | { readonly applies: false } {
  try {
    return { applies: true, pause: parsePause(specObject(spec, 'spec').pause, 'spec.pause') };
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    return { applies: false };
  }
}

/** The same rules with the same pause: listeners need not hear of it again. */
function samePolicy(a: Policy, b: Policy): boolean {
  const { pause: pa, ...ra } = a;
  const { pause: pb, ...rb } = b;
  return Object.keys(ra).every((k) => ra[k as keyof typeof ra] === rb[k as keyof typeof rb]) && pa?.reason === pb?.reason && pa?.by === pb?.by && pa?.since === pb?.since;
}
