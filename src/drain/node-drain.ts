import type { Logger } from 'pino';
import type { CancelTimer, Clock } from '../clock/clock.js';
import type { KubeApi } from '../kube/api.js';
import type { KubeError } from '../kube/errors.js';
import type { EventRecorder } from '../kube/events.js';
import type { NodeView } from '../kube/node-view.js';
import type { NodeCache } from '../kube/nodes.js';
import { podKey, toPodView, type PodView } from '../kube/pod-view.js';
import type { PodsOnNode, PodWriter } from '../kube/pods.js';
import { count, describeProgress, formatDuration } from '../slot/progress-text.js';
import type { DisturbanceLookup } from '../slot/disturbed.js';
import type { DrainProgress, Slot } from '../slot/slot.js';
import { recordDrain, startDrain } from '../slot/transitions.js';
import { classifyPod, mustLeave } from './classify.js';
import type { DrainMetrics } from './drain-metrics.js';
import { DisturbedPods, type DrainRecord } from './disturbance.js';
import type { Semaphore, TokenBucket } from './limits.js';
import type { DrainOptions } from './options.js';
import { LeavingPods, type Leaving } from './leaving-pods.js';
import { deletePod, evictPod, isNoLongerLeading, type Blocker, type RemovalContext } from './pod-removal.js';
import type { Preparation } from './preparer.js';
import { BlockedSpans } from './blocked-spans.js';
import { ProgressWriter } from './progress-writer.js';

export interface NodeDrainDeps {
  readonly api: KubeApi;
  readonly clock: Clock;
  readonly random?: () => number;
  readonly nodes: NodeCache;
  readonly writer: PodWriter;
  readonly podsOn: (nodeName: string, onError: (err: KubeError) => void) => PodsOnNode;
  readonly events: EventRecorder;
  readonly log: Logger;
  readonly options: DrainOptions;
  readonly bucket: TokenBucket;
  readonly slots: Semaphore;
  readonly isLeader: () => boolean;
  readonly metrics?: DrainMetrics;
  /** Names the workloads and budgets of removed pods for the health gate; default: the pods' own controllers. */
  readonly disturbance?: DisturbanceLookup;
}

/** `finishing`: every pod is gone and the final record is being written; `done` once it is on the Node. */
type State = 'starting' | 'draining' | 'verifying' | 'finishing' | 'done' | 'failed' | 'stopped';

/**
 * Cordons and drains one node for one claim. Everything it needs is rebuilt from the API (the slot on the
 * Node and the pods on it), so whichever replica leads can start it again at any time. Every write is
 * fenced: a replica that no longer leads sends none.
 */
export class NodeDrain {
  readonly claim: string;
  private state: State = 'starting';
  private readonly abort = new AbortController();
  private pods: PodsOnNode | undefined;
  private offPods: (() => void) | undefined;
  private readonly leaving: LeavingPods;
  private timedOut = false;
  private deleting = false;
  private cancelDeadline: CancelTimer | undefined;
  private failure: string | undefined;
  private readonly reported = new Set<string>();
  private readonly progress: ProgressWriter<DrainRecord>;
  private readonly blocked: BlockedSpans;
  private readonly disturbed: DisturbedPods;
  private readonly log: Logger;
  private readonly settleWaiters: (() => void)[] = [];

  constructor(
    private readonly deps: NodeDrainDeps,
    private readonly node: NodeView,
    private readonly slot: Slot,
  ) {
    this.claim = slot.claim;
    // A resumed drain keeps counting where the last leader stopped.
    this.leaving = new LeavingPods(deps.options.unmanagedPods, (pod) => this.isOwnPod(pod), slot.drain?.evicted ?? 0);
    this.blocked = new BlockedSpans(slot.drain?.blocked);
    this.disturbed = DisturbedPods.forDrain(node, slot, deps.disturbance);
    this.log = deps.log.child(slot.source.kind === 'request' ? { node: node.name, request: slot.source.name } : { node: node.name, id: slot.id });
    this.progress = new ProgressWriter<DrainRecord>(
      deps.clock,
      async ({ progress, disturbed }) => {
        const result = await deps.nodes.cas(node.name, (n) => recordDrain(n, this.claim, progress, disturbed), { mayWrite: deps.isLeader });
        if (result.fenced || result.outcome === 'claim-gone') this.stop();
      },
      deps.options.progressIntervalMs,
      (err) => this.log.warn({ err: (err as Error).message }, 'writing drain progress to the node failed; retrying'),
    );
  }

  /** Cordoning or evicting: neither done nor given up. */
  get running(): boolean {
    return this.state === 'starting' || this.state === 'draining' || this.state === 'verifying' || this.state === 'finishing';
  }

  /** A drain that failed or was stopped is replaced by a fresh one on the next `prepare`. */
  get restartable(): boolean {
    return this.state === 'failed' || this.state === 'stopped';
  }

  start(): void {
    void this.run();
  }

  /** Resolves once the drain is done, failed or stopped. */
  whenSettled(): Promise<void> {
    if (this.state === 'done' || this.restartable) return Promise.resolve();
    return new Promise((resolve) => this.settleWaiters.push(resolve));
  }

  preparation(): Preparation {
    if (this.state === 'done') return { done: true };
    if (this.state === 'failed') return { done: false, progress: `drain failed: ${this.failure ?? 'unknown error'}; retrying` };
    if (this.state === 'starting') return { done: false, progress: this.slot.phase === 'claimed' ? 'cordoning the node' : 'listing pods on the node' };
    if (this.state === 'finishing') return { done: false, progress: `${describeProgress(this.current())}; recording the drain` };
    return { done: false, progress: describeProgress(this.current()) };
  }

  /** Stops all work for this claim (withdrawn, released, or leadership lost). Writes nothing. */
  stop(): void {
    if (this.state !== 'done') this.state = 'stopped';
    this.teardown();
  }

  private teardown(): void {
    for (const resolve of this.settleWaiters.splice(0)) resolve();
    this.abort.abort(new Error('drain stopped'));
    this.cancelDeadline?.();
    this.offPods?.();
    this.pods?.stop();
    this.progress.stop();
  }

  private async run(): Promise<void> {
    try {
      if (this.slot.phase === 'claimed') await this.cordon();
      if (this.state !== 'starting') return;
      this.pods = this.deps.podsOn(this.node.name, (err) => this.log.error({ err: err.message, code: err.code }, 'watching pods on the node failed; retrying'));
      this.offPods = this.pods.on(() => this.step());
      this.pods.start();
      await Promise.race([this.pods.whenSynced(), new Promise((_, reject) => this.abort.signal.addEventListener('abort', () => reject(this.abort.signal.reason as Error)))]);
      if (this.state !== 'starting') return;
      this.state = 'draining';
      this.armDeadline();
      this.announce();
      this.step();
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    if (this.abort.signal.aborted) return;
    this.state = 'failed';
    this.failure = (err as Error).message;
    this.log.error({ err: this.failure }, 'drain failed; it restarts on the next pre-reboot or sweep');
    this.teardown();
  }

  private async cordon(): Promise<void> {
    const result = await this.deps.nodes.cas(this.node.name, (n) => startDrain(n, this.claim), { mayWrite: this.deps.isLeader });
    if (result.fenced || result.outcome === 'claim-gone') return this.stop();
    if (result.outcome === 'cordoned') {
      this.log.info('cordoned the node for its reboot');
      this.deps.events.record(result.node, 'Normal', 'Cordoned', 'Cordoned by reboot-manager to drain it for a reboot; uncordoned when the slot is released');
    } else if (result.outcome === 'already-cordoned') {
      this.log.info('node was already cordoned by someone else: draining it and leaving their cordon in place');
    }
  }

  private armDeadline(): void {
    const { timeoutMs } = this.deps.options;
    if (timeoutMs <= 0) return;
    const claimed = Date.parse(this.slot.claimedAt);
    const now = this.deps.clock.now();
    const due = (Number.isNaN(claimed) ? now : claimed) + timeoutMs;
    this.cancelDeadline = this.deps.clock.setTimer(Math.max(0, due - now), () => this.timeOut());
  }

  private announce(): void {
    const names = (this.pods?.all() ?? []).filter((p) => mustLeave(p, this.deps.options.unmanagedPods)).map(podKey);
    if (names.length === 0) return;
    const resumed = this.slot.phase === 'claimed' ? '' : 'Resuming drain: ';
    const listed = names.slice(0, 10).join(', ') + (names.length > 10 ? ` and ${names.length - 10} more` : '');
    this.log.info({ pods: names.length }, `${resumed}evicting pods`);
    this.deps.events.record(this.currentNode(), 'Normal', 'Evicting', `${resumed}evicting ${count(names.length, 'pod')}: ${listed}`);
  }

  /** Re-evaluates the node after every change to its pods and every eviction outcome. */
  private step(): void {
    if (this.state !== 'draining' || !this.pods) return;
    const pods = this.pods;
    this.leaving.track(pods.all());
    for (const entry of this.leaving.entries()) this.disturbed.note(entry.pod);
    for (const entry of this.leaving.sweep((key) => pods.get(key))) this.log.debug({ pod: podKey(entry.pod) }, 'pod left the node');
    if (this.leaving.size === 0) return void this.verifyEmpty();
    const othersLeft = this.leaving.othersLeft();
    for (const entry of this.leaving.inRemovalOrder()) this.advance(entry, othersLeft);
    this.progress.update(this.record(this.current()));
  }

  /** The watch may lag: the node is drained only when the API server, asked now, lists no pod that must leave. */
  private async verifyEmpty(): Promise<void> {
    this.state = 'verifying';
    try {
      const page = await this.deps.api.list('pods', { fieldSelector: `spec.nodeName=${this.node.name}` });
      if (this.state !== 'verifying') return;
      const left = page.items.map(toPodView).filter((p) => mustLeave(p, this.deps.options.unmanagedPods));
      if (left.length === 0) return this.complete('drained');
      this.state = 'draining';
      this.leaving.track(left);
      this.step();
    } catch (err) {
      this.fail(err);
    }
  }

  /** Starts (or switches) the removal of one pod when its turn has come. */
  private advance(entry: Leaving, othersLeft: boolean): void {
    const { pod } = entry;
    if (pod.terminating) return;
    if (this.isOwnPod(pod) && othersLeft) return;
    const want = this.deleting ? 'delete' : 'evict';
    if (entry.mode === want) return;
    if (want === 'evict' && classifyPod(pod, this.deps.options.unmanagedPods) === 'unmanaged') {
      this.setBlocker(entry, {
        what: `pod ${podKey(pod)} with no controller`,
        detail: `pod ${podKey(pod)} has no controller to recreate it elsewhere; delete it, or run with --drain-unmanaged-pods=evict`,
      });
      return;
    }
    entry.removal?.abort(new Error('switching to deletion'));
    const removal = new AbortController();
    const signal = AbortSignal.any([this.abort.signal, removal.signal]);
    entry.removal = removal;
    entry.mode = want;
    const ctx = this.removalContext(entry);
    const work = want === 'delete' ? deletePod(pod, ctx, signal) : evictPod(pod, ctx, signal);
    work.then(
      (outcome) => this.log.debug({ pod: podKey(pod), outcome }, want === 'delete' ? 'pod deleted' : 'pod evicted'),
      (err: unknown) => this.removalFailed(entry, signal, err),
    );
  }

  private removalFailed(entry: Leaving, signal: AbortSignal, err: unknown): void {
    if (signal.aborted) return;
    if (isNoLongerLeading(err)) {
      this.log.info('no longer the leader: stopping this drain (the new leader resumes it)');
      return this.stop();
    }
    const message = (err as Error).message;
    this.log.error({ pod: podKey(entry.pod), err: message }, 'removing pod failed unexpectedly; trying again later');
    this.setBlocker(entry, { what: `pod ${podKey(entry.pod)} failing`, detail: `removing pod ${podKey(entry.pod)} failed: ${message}` });
    const cancel = this.deps.clock.setTimer(this.deps.options.blockedRetryMs, () => {
      entry.mode = undefined;
      this.step();
    });
    this.abort.signal.addEventListener('abort', cancel, { once: true });
  }

  private removalContext(entry: Leaving): RemovalContext {
    const o = this.deps.options;
    return {
      clock: this.deps.clock,
      ...(this.deps.random ? { random: this.deps.random } : {}),
      writer: this.deps.writer,
      bucket: this.deps.bucket,
      slots: this.deps.slots,
      retryMinMs: o.retryMinMs,
      retryMaxMs: o.retryMaxMs,
      blockedRetryMs: o.blockedRetryMs,
      mayAct: () => this.deps.isLeader() && this.state === 'draining',
      onBlocked: (blocker) => this.setBlocker(entry, blocker),
      onRetry: (err) => this.log.warn({ pod: podKey(entry.pod), err: err.message, code: err.code }, 'pod removal failed; retrying with backoff'),
      ...(this.deps.metrics ? { onOutcome: this.deps.metrics.evicted.bind(this.deps.metrics) } : {}),
    };
  }

  /** Records why a pod cannot leave; the first time per reason it becomes an Event and a warn log line. */
  private setBlocker(entry: Leaving, blocker: Blocker | undefined): void {
    const changed = entry.blocker?.what !== blocker?.what;
    entry.blocker = blocker;
    if (blocker && !this.reported.has(blocker.what)) {
      this.reported.add(blocker.what);
      this.log.warn({ pod: podKey(entry.pod), blocker: blocker.what }, blocker.detail);
      this.deps.events.record(this.currentNode(), 'Warning', 'EvictionBlocked', blocker.detail);
    }
    if (changed && this.state === 'draining') this.progress.update(this.record(this.current()));
  }

  private timeOut(): void {
    if (this.state !== 'draining') return;
    const { timeoutPolicy: policy, timeoutMs } = this.deps.options;
    this.timedOut = true;
    const left = [...this.leaving.entries()].map((e) => podKey(e.pod));
    const what = { refuse: 'still refusing the reboot', delete: 'deleting the remaining pods, bypassing PodDisruptionBudgets', grant: 'granting the reboot anyway' }[policy];
    const message = `Drain timed out after ${formatDuration(timeoutMs)} with ${count(left.length, 'pod')} left (${left.slice(0, 5).join(', ')}${left.length > 5 ? ', ...' : ''}): ${what} (policy ${policy})`;
    this.log.warn({ policy, podsLeft: left.length }, message);
    this.deps.events.record(this.currentNode(), 'Warning', 'DrainTimeout', message);
    if (policy === 'grant') return void this.complete('granted');
    if (policy === 'delete') this.deleting = true;
    this.step();
  }

  private complete(how: 'drained' | 'granted'): void {
    const progress: DrainProgress = { ...this.current(), done: how, doneAt: new Date(this.deps.clock.now()).toISOString() };
    this.state = 'finishing';
    const claimed = Date.parse(this.slot.claimedAt);
    if (!Number.isNaN(claimed)) this.deps.metrics?.drained((this.deps.clock.now() - claimed) / 1000);
    for (const entry of this.leaving.entries()) entry.removal?.abort(new Error('drain complete'));
    this.cancelDeadline?.();
    this.offPods?.();
    this.pods?.stop();
    this.log.info({ evicted: this.leaving.gone }, how === 'drained' ? 'node drained' : 'drain timed out: reported drained (policy grant)');
    if (how === 'drained') this.deps.events.record(this.currentNode(), 'Normal', 'Drained', `Drained: ${count(this.leaving.gone, 'pod')} evicted`);
    this.progress.update(this.record(progress));
    // Done once the final record is on the Node (or its write failed): a grant, and the release's history, read it.
    void this.progress.flush().finally(() => {
      this.progress.stop();
      if (this.state !== 'finishing') return;
      this.state = 'done';
      for (const resolve of this.settleWaiters.splice(0)) resolve();
    });
  }

  private record(progress: DrainProgress): DrainRecord {
    return { progress, disturbed: this.disturbed.record() };
  }

  /** The drain's progress as data. */
  private current(): DrainProgress {
    const progress = this.leaving.progress(this.timedOut ? { afterMs: this.deps.options.timeoutMs, policy: this.deps.options.timeoutPolicy } : null);
    return { ...progress, blocked: this.blocked.observe(progress.blockers, this.deps.clock.now()) };
  }

  private isOwnPod(pod: PodView): boolean {
    const own = this.deps.options.ownPod;
    return own !== undefined && own.namespace === pod.namespace && own.name === pod.name;
  }

  private currentNode(): NodeView {
    return this.deps.nodes.get(this.node.name) ?? this.node;
  }
}
