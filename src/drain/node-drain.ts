import type { Logger } from 'pino';
import type { Preparation } from '../coordinator/preparer.js';
import type { KubeError } from '../kube/errors.js';
import type { DrainMetrics } from './drain-metrics.js';
import type { EventRecorder } from '../kube/events.js';
import type { Hold, NodeView } from '../kube/node-view.js';
import type { Nodes } from '../kube/nodes.js';
import { podKey, type PodView } from '../kube/pod-view.js';
import type { PodsOnNode, PodWriter } from '../kube/pods.js';
import { classifyPod, mustLeave } from './classify.js';
import type { Semaphore, TokenBucket } from './limits.js';
import { cordonForDrain, writeDrainProgress } from './node-writes.js';
import type { DrainOptions } from './options.js';
import { deletePod, evictPod, isNoLongerLeading, type Blocker, type RemovalContext } from './pod-removal.js';
import { count, formatDuration, goneBefore, progressText } from './progress.js';
import { ProgressWriter } from './progress-writer.js';

export interface NodeDrainDeps {
  readonly nodes: Nodes;
  readonly writer: PodWriter;
  readonly podsOn: (nodeName: string, onError: (err: KubeError) => void) => PodsOnNode;
  readonly events: EventRecorder;
  readonly log: Logger;
  readonly options: DrainOptions;
  readonly bucket: TokenBucket;
  readonly slots: Semaphore;
  readonly isLeader: () => boolean;
  readonly now: () => number;
  readonly metrics?: DrainMetrics;
}

/** A pod that has to leave the node, followed until it is gone (deleted, or replaced under its name). */
interface Leaving {
  pod: PodView;
  /** The eviction or deletion under way, aborted once the pod is gone. */
  removal: AbortController | undefined;
  mode: 'evict' | 'delete' | undefined;
  blocker: Blocker | undefined;
}

type State = 'starting' | 'draining' | 'done' | 'failed' | 'stopped';

/**
 * Cordons and drains one node for one claim. Everything it needs is rebuilt from the API (the claim's
 * annotations and the pods on the node), so whichever replica leads can start it again at any time.
 */
export class NodeDrain {
  readonly claimedAt: string;
  private state: State = 'starting';
  private readonly abort = new AbortController();
  private pods: PodsOnNode | undefined;
  private offPods: (() => void) | undefined;
  private readonly leaving = new Map<string, Leaving>();
  private gone: number;
  private timedOut = false;
  private deleting = false;
  private deadline: NodeJS.Timeout | undefined;
  private failure: string | undefined;
  private readonly reported = new Set<string>();
  private readonly progress: ProgressWriter;
  private readonly log: Logger;
  private readonly settleWaiters: (() => void)[] = [];

  constructor(
    private readonly deps: NodeDrainDeps,
    private readonly node: NodeView,
    private readonly hold: Hold,
  ) {
    this.claimedAt = hold.claimedAt;
    this.gone = goneBefore(hold.drain);
    this.log = deps.log.child({ node: node.name, id: hold.id });
    this.progress = new ProgressWriter(
      async (text) => {
        if (!(await writeDrainProgress(deps.nodes, this.currentNode(), this.claimedAt, text))) this.stop();
      },
      deps.options.progressIntervalMs,
      (err) => this.log.warn({ err: (err as Error).message }, 'writing drain progress to the node failed; retrying'),
    );
  }

  get finished(): boolean {
    return this.state === 'done';
  }

  /** Cordoning or evicting: neither done nor given up. */
  get running(): boolean {
    return this.state === 'starting' || this.state === 'draining';
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
    if (this.state === 'starting') return { done: false, progress: this.hold.phase === 'claimed' ? 'cordoning the node' : 'listing pods on the node' };
    return { done: false, progress: this.text() };
  }

  /** Stops all work for this claim (withdrawn, released, or leadership lost). Writes nothing. */
  stop(): void {
    if (this.state === 'done' || this.state === 'stopped') return this.teardown();
    this.state = 'stopped';
    this.teardown();
  }

  private teardown(): void {
    for (const resolve of this.settleWaiters.splice(0)) resolve();
    this.abort.abort(new Error('drain stopped'));
    clearTimeout(this.deadline);
    this.offPods?.();
    this.pods?.stop();
    this.progress.stop();
  }

  private async run(): Promise<void> {
    try {
      if (this.hold.phase === 'claimed') await this.cordon();
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
      if (this.abort.signal.aborted) return;
      this.state = 'failed';
      this.failure = (err as Error).message;
      this.log.error({ err: this.failure }, 'drain failed; it restarts on the next pre-reboot or sweep');
      this.teardown();
    }
  }

  private async cordon(): Promise<void> {
    const result = await cordonForDrain(this.deps.nodes, this.currentNode(), this.claimedAt);
    if (result === 'claim-gone') return this.stop();
    if (result === 'cordoned') {
      this.log.info('cordoned the node for its reboot');
      this.deps.events.record(this.currentNode(), 'Normal', 'Cordoned', 'Cordoned by reboot-manager to drain it for a reboot; uncordoned when the slot is released');
    } else if (result === 'already-cordoned') {
      this.log.info('node was already cordoned by someone else: draining it and leaving their cordon in place');
    }
  }

  private armDeadline(): void {
    const { timeoutMs } = this.deps.options;
    if (timeoutMs <= 0) return;
    const claimed = Date.parse(this.claimedAt);
    const due = (Number.isNaN(claimed) ? this.deps.now() : claimed) + timeoutMs;
    this.deadline = setTimeout(() => this.timeOut(), Math.max(0, due - this.deps.now()));
  }

  private announce(): void {
    const names = (this.pods?.all() ?? []).filter((p) => mustLeave(p, this.deps.options.unmanagedPods)).map(podKey);
    if (names.length === 0) return;
    const resumed = this.hold.phase === 'claimed' ? '' : 'Resuming drain: ';
    const listed = names.slice(0, 10).join(', ') + (names.length > 10 ? ` and ${names.length - 10} more` : '');
    this.log.info({ pods: names.length }, `${resumed}evicting pods`);
    this.deps.events.record(this.currentNode(), 'Normal', 'Evicting', `${resumed}evicting ${count(names.length, 'pod')}: ${listed}`);
  }

  /** Re-evaluates the node after every change to its pods and every eviction outcome. */
  private step(): void {
    if (this.state !== 'draining' || !this.pods) return;
    const policy = this.deps.options.unmanagedPods;
    for (const pod of this.pods.all()) {
      const known = this.leaving.get(pod.uid);
      if (known) known.pod = pod;
      else if (mustLeave(pod, policy)) this.leaving.set(pod.uid, { pod, removal: undefined, mode: undefined, blocker: undefined });
    }
    for (const [uid, entry] of this.leaving) {
      const current = this.pods.get(podKey(entry.pod));
      // Gone: deleted, replaced under the same name (new uid), or finished meanwhile.
      if (current && current.uid === uid && mustLeave(current, policy)) continue;
      entry.removal?.abort(new Error('pod gone'));
      this.leaving.delete(uid);
      this.gone += 1;
      this.log.debug({ pod: podKey(entry.pod) }, 'pod left the node');
    }
    if (this.leaving.size === 0) return void this.complete('drained');
    const othersLeft = [...this.leaving.values()].some((e) => !this.isOwnPod(e.pod));
    for (const entry of this.leaving.values()) this.advance(entry, othersLeft);
    this.progress.update(this.text());
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
    const retry = setTimeout(() => {
      entry.mode = undefined;
      this.step();
    }, this.deps.options.blockedRetryMs);
    this.abort.signal.addEventListener('abort', () => clearTimeout(retry), { once: true });
  }

  private removalContext(entry: Leaving): RemovalContext {
    const o = this.deps.options;
    return {
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
    if (changed && this.state === 'draining') this.progress.update(this.text());
  }

  private timeOut(): void {
    if (this.state !== 'draining') return;
    const { timeoutPolicy: policy, timeoutMs } = this.deps.options;
    this.timedOut = true;
    const left = [...this.leaving.values()].map((e) => podKey(e.pod));
    const what = { refuse: 'still refusing the reboot', delete: 'deleting the remaining pods, bypassing PodDisruptionBudgets', grant: 'granting the reboot anyway' }[policy];
    const message = `Drain timed out after ${formatDuration(timeoutMs)} with ${count(left.length, 'pod')} left (${left.slice(0, 5).join(', ')}${left.length > 5 ? ', ...' : ''}): ${what} (policy ${policy})`;
    this.log.warn({ policy, podsLeft: left.length }, message);
    this.deps.events.record(this.currentNode(), 'Warning', 'DrainTimeout', message);
    if (policy === 'grant') return void this.complete('granted');
    if (policy === 'delete') this.deleting = true;
    this.step();
  }

  private complete(how: 'drained' | 'granted'): void {
    const text = how === 'drained' ? `drained: ${count(this.gone, 'pod')} evicted` : `drain timed out; reboot granted anyway with ${count(this.leaving.size, 'pod')} left (policy grant)`;
    this.state = 'done';
    const claimed = Date.parse(this.claimedAt);
    if (!Number.isNaN(claimed)) this.deps.metrics?.drained((this.deps.now() - claimed) / 1000);
    for (const resolve of this.settleWaiters.splice(0)) resolve();
    for (const entry of this.leaving.values()) entry.removal?.abort(new Error('drain complete'));
    clearTimeout(this.deadline);
    this.offPods?.();
    this.pods?.stop();
    this.log.info({ evicted: this.gone }, how === 'drained' ? 'node drained' : 'drain timed out: reported drained (policy grant)');
    if (how === 'drained') this.deps.events.record(this.currentNode(), 'Normal', 'Drained', `Drained: ${count(this.gone, 'pod')} evicted`);
    this.progress.update(text);
    void this.progress.flush().finally(() => this.progress.stop());
  }

  private text(): string {
    const entries = [...this.leaving.values()];
    const blockers = [...new Set(entries.flatMap((e) => (e.blocker ? [e.blocker.what] : [])))];
    const ownPodLast = entries.some((e) => this.isOwnPod(e.pod) && !e.pod.terminating) && entries.some((e) => !this.isOwnPod(e.pod));
    return progressText({
      gone: this.gone,
      total: this.gone + entries.length,
      terminating: entries.filter((e) => e.pod.terminating).length,
      blockers,
      ownPodLast,
      timedOut: this.timedOut ? { after: formatDuration(this.deps.options.timeoutMs), policy: this.deps.options.timeoutPolicy } : undefined,
    });
  }

  private isOwnPod(pod: PodView): boolean {
    const own = this.deps.options.ownPod;
    return own !== undefined && own.namespace === pod.namespace && own.name === pod.name;
  }

  private currentNode(): NodeView {
    return this.deps.nodes.get(this.node.name) ?? this.node;
  }
}
