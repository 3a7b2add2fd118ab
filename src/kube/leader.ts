import { V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import type { KubeClient } from './client.js';
import { toKubeError, type KubeError } from './errors.js';

export interface LeaderOptions {
  readonly namespace: string;
  readonly leaseName: string;
  /** Stable across restarts (the pod name), so a restarted replica takes its Lease back at once. */
  readonly identity: string;
  readonly leaseDurationMs: number;
  /** A leader that has not renewed for this long stops deciding, before anyone else may take over. */
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly onChange?: (leading: boolean) => void;
  readonly onError?: (err: KubeError) => void;
}

/**
 * Leader election over a coordination.k8s.io Lease, as client-go does it: CAS updates on the Lease,
 * and another holder's Lease counts as expired only when it has not changed for a whole lease
 * duration measured on our own clock since we last saw it change.
 */
export class LeaderElector {
  private leading = false;
  private lastRenew = 0;
  private observed: { record: string; at: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private lease: V1Lease | undefined;
  private readonly leadingWaiters: (() => void)[] = [];

  constructor(
    private readonly client: KubeClient,
    private readonly opts: LeaderOptions,
  ) {}

  /** True only while our last successful renewal is within the renew deadline. */
  isLeader(): boolean {
    return this.leading && Date.now() - this.lastRenew < this.opts.renewDeadlineMs;
  }

  /** Resolves once this replica leads (at once if it does). */
  whenLeading(): Promise<void> {
    if (this.isLeader()) return Promise.resolve();
    return new Promise((resolve) => this.leadingWaiters.push(resolve));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.tick();
  }

  /** Stops renewing and, if leading, hands the Lease back so another replica takes over at once. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    if (!this.leading || !this.lease) return this.setLeading(false);
    this.setLeading(false);
    const lease = this.lease;
    try {
      await this.client.coordination.replaceNamespacedLease({
        name: this.opts.leaseName,
        namespace: this.opts.namespace,
        body: { ...lease, spec: { ...microTimes(lease.spec), holderIdentity: '', leaseDurationSeconds: 1, renewTime: microNow() } },
      });
    } catch (err) {
      this.opts.onError?.(toKubeError(err, 'releasing the leader Lease'));
    }
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    try {
      await this.tryAcquireOrRenew();
    } catch (err) {
      this.opts.onError?.(toKubeError(err, `leader Lease ${this.opts.namespace}/${this.opts.leaseName}`));
    }
    if (this.leading && Date.now() - this.lastRenew >= this.opts.renewDeadlineMs) this.setLeading(false);
    if (this.running) this.timer = setTimeout(() => void this.tick(), this.opts.retryPeriodMs);
  }

  private async tryAcquireOrRenew(): Promise<void> {
    const { namespace, leaseName: name, identity } = this.opts;
    const durationSeconds = Math.max(1, Math.ceil(this.opts.leaseDurationMs / 1000));
    let current: V1Lease;
    try {
      current = await this.client.coordination.readNamespacedLease({ name, namespace });
    } catch (err) {
      const kubeErr = toKubeError(err, 'reading the leader Lease');
      if (kubeErr.code !== 'not_found') throw kubeErr;
      const now = microNow();
      this.lease = await this.client.coordination.createNamespacedLease({
        namespace,
        body: {
          metadata: { name, namespace },
          spec: { holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 },
        },
      });
      this.renewed();
      return;
    }
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const record = `${holder}|${String(spec.renewTime)}|${spec.leaseDurationSeconds}`;
    if (this.observed?.record !== record) this.observed = { record, at: Date.now() };
    const theirDurationMs = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    const expired = holder === '' || Date.now() - this.observed.at >= theirDurationMs;
    if (holder !== identity && !expired) {
      this.setLeading(false);
      return;
    }
    const now = microNow();
    const takingOver = holder !== identity;
    this.lease = await this.client.coordination.replaceNamespacedLease({
      name,
      namespace,
      body: {
        ...current,
        spec: {
          ...microTimes(spec),
          holderIdentity: identity,
          leaseDurationSeconds: durationSeconds,
          renewTime: now,
          ...(takingOver ? { acquireTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 } : {}),
        },
      },
    });
    this.renewed();
  }

  private renewed(): void {
    this.lastRenew = Date.now();
    this.setLeading(true);
  }

  private setLeading(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    this.opts.onChange?.(leading);
    if (leading) for (const resolve of this.leadingWaiters.splice(0)) resolve();
  }
}

function microNow(): V1MicroTime {
  return new V1MicroTime();
}

/** Times read back are strings or plain Dates; the API accepts only six fractional digits. */
function microTimes<T extends { acquireTime?: unknown; renewTime?: unknown }>(spec: T | undefined): T {
  const out = { ...(spec ?? {}) } as T;
  if (out.acquireTime) out.acquireTime = new V1MicroTime(out.acquireTime as string);
  if (out.renewTime) out.renewTime = new V1MicroTime(out.renewTime as string);
  return out;
}
