// The policy in force: the `default` RebootPolicy when it parses, the last good one when an edit does not, the flags when there is none.
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { KubeError } from '../kube/errors.js';
import { POLICY_NAME, type PolicyObjectView } from '../kube/policy-objects.js';
import type { CacheEvent } from '../kube/reflector.js';
import { PolicyError } from './parse-error.js';
import { flagsPolicy, parsePolicySpec } from './parse.js';
import type { Policy, PolicyDefaults } from './policy.js';

/** An edit the server could not use: the last good policy stays in force. */
export interface PolicyRejection {
  readonly generation: number;
  readonly field: string;
  readonly reason: string;
  /** ms since the epoch. */
  readonly at: number;
}

export interface PolicyStatus {
  /** `flags`: no RebootPolicy named default (or the CRD is not installed); `object`: one is in force. */
  readonly source: 'flags' | 'object';
  /** The generation in force (source `object`). */
  readonly generation?: number;
  readonly rejection?: PolicyRejection;
  /** The API has no RebootPolicy resource: the CRD is not installed. */
  readonly crdMissing: boolean;
}

/** Where acceptances and rejections are reported (status, Events, metrics). */
export interface PolicyReport {
  accepted(object: PolicyObjectView): void;
  rejected(object: PolicyObjectView, error: PolicyError): void;
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
    if (!this.statusValue.crdMissing) this.deps.log.warn('the RebootPolicy resource is not installed (kubectl apply -k kubernetes/): the flags are the policy');
    this.statusValue = { ...this.statusValue, crdMissing: true };
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
    if (rejection && rejection.generation === object.generation) this.deps.report?.rejected(object, new PolicyError(rejection.field, rejection.reason));
    else if (this.statusValue.generation === object.generation) this.deps.report?.accepted(object);
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
      this.statusValue = { ...this.statusValue, crdMissing: false, rejection: { generation: object.generation, field: err.field, reason: err.reason, at: this.deps.clock.now() } };
      this.deps.log.warn({ policy: object.name, generation: object.generation, field: err.field, reason: err.reason }, 'RebootPolicy rejected: the last good policy stays in force');
      this.deps.report?.rejected(object, err);
      return;
    }
    this.statusValue = { source: 'object', generation: object.generation, crdMissing: false };
    this.deps.log.info({ policy: object.name, generation: object.generation }, 'RebootPolicy in force');
    this.deps.report?.accepted(object);
    this.apply(policy);
  }

  private deleted(name: string): void {
    if (name !== POLICY_NAME) return;
    this.statusValue = { source: 'flags', crdMissing: false };
    this.deps.log.info('RebootPolicy default deleted: the flags are the policy');
    this.apply(this.flags);
  }

  private apply(policy: Policy): void {
    this.inForce = policy;
    for (const listener of this.listeners) listener(policy);
  }
}
