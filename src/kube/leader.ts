import type { CancelTimer, Clock } from '../clock/clock.js';
import type { KubeApi, LeaseRecord } from './api.js';
import { KubeError, toKubeError } from './errors.js';

/** Where the election's record lives: a Lease in the API, or anything that compares and swaps the same way. */
export interface LeaseStore {
  /** Undefined when there is no record yet. */
  get(): Promise<LeaseRecord | undefined>;
  create(record: LeaseRecord): Promise<LeaseRecord>;
  /** Compare-and-swap on `record.resourceVersion`. */
  update(record: LeaseRecord): Promise<LeaseRecord>;
}

/** A coordination.k8s.io Lease as a LeaseStore. */
export function apiLeaseStore(api: KubeApi, namespace: string, name: string): LeaseStore {
  return {
    async get() {
      try {
        return await api.readLease(namespace, name);
      } catch (err) {
        if (err instanceof KubeError && err.code === 'not_found') return undefined;
        throw err;
      }
    },
    create: (record) => api.createLease(namespace, name, record),
    update: (record) => api.replaceLease(namespace, name, record),
  };
}

export interface LeaderOptions {
  readonly store: LeaseStore;
  readonly clock: Clock;
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
 * Leader election as client-go does it, apart from where the record is stored: CAS updates on the
 * record, and another holder's record counts as expired only when it has not changed for a whole lease
 * duration measured on our own clock since we last saw it change. `isLeader` is read before every write.
 */
export class LeaderElector {
  private leading = false;
  /** When the last successful renewal was sent (not answered): the deadline counts from the send. */
  private lastRenew = 0;
  private observed: { record: string; at: number } | undefined;
  private cancelTick: CancelTimer | undefined;
  private running = false;
  private record: LeaseRecord | undefined;
  private readonly leadingWaiters: (() => void)[] = [];

  constructor(private readonly opts: LeaderOptions) {}

  /** True only while our last successful renewal is within the renew deadline. */
  isLeader(): boolean {
    return this.leading && this.withinDeadline();
  }

  private withinDeadline(): boolean {
    return this.opts.clock.now() - this.lastRenew < this.opts.renewDeadlineMs;
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
    this.cancelTick?.();
    const record = this.record;
    const wasLeading = this.leading;
    this.setLeading(false);
    if (!wasLeading || !record) return;
    try {
      await this.opts.store.update({ ...record, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(this.opts.clock.now()) });
    } catch (err) {
      this.opts.onError?.(toKubeError(err, 'releasing the leader Lease'));
    }
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    try {
      await this.tryAcquireOrRenew();
    } catch (err) {
      this.opts.onError?.(toKubeError(err, 'leader Lease'));
    }
    if (this.leading && !this.isLeader()) this.setLeading(false);
    if (this.running) this.cancelTick = this.opts.clock.setTimer(this.opts.retryPeriodMs, () => void this.tick());
  }

  private async tryAcquireOrRenew(): Promise<void> {
    const { store, identity, clock } = this.opts;
    const durationSeconds = Math.max(1, Math.ceil(this.opts.leaseDurationMs / 1000));
    const sentAt = clock.now();
    const current = await store.get();
    if (!this.running) return;
    if (!current) {
      const now = microTime(sentAt);
      this.record = await store.create({ holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 });
      return this.renewed(sentAt);
    }
    const seen = `${current.holderIdentity}|${current.renewTime ?? ''}|${current.leaseDurationSeconds}`;
    if (this.observed?.record !== seen) this.observed = { record: seen, at: clock.now() };
    const theirDurationMs = (current.leaseDurationSeconds || durationSeconds) * 1000;
    const expired = current.holderIdentity === '' || clock.now() - this.observed.at >= theirDurationMs;
    if (current.holderIdentity !== identity && !expired) {
      this.setLeading(false);
      return;
    }
    const now = microTime(clock.now());
    const takingOver = current.holderIdentity !== identity;
    this.record = await store.update({
      ...current,
      holderIdentity: identity,
      leaseDurationSeconds: durationSeconds,
      renewTime: now,
      ...(takingOver ? { acquireTime: now, leaseTransitions: current.leaseTransitions + 1 } : {}),
    });
    if (this.running) this.renewed(sentAt);
  }

  private renewed(sentAt: number): void {
    this.lastRenew = sentAt;
    if (this.withinDeadline()) this.setLeading(true);
  }

  private setLeading(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    this.opts.onChange?.(leading);
    if (leading) for (const resolve of this.leadingWaiters.splice(0)) resolve();
  }
}

/** metav1.MicroTime: RFC 3339 with six fractional digits. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}
