// The health gate: before the next claim in a scope, what the last drain there disturbed is whole again and the
// released node has been Ready for a while. Answers from caches only; the releases it waits for come from node events.
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { EventRecorder } from '../kube/events.js';
import type { NodeView } from '../kube/node-view.js';
import type { NodeCache } from '../kube/nodes.js';
import type { WorkloadCaches } from '../kube/workloads.js';
import { DEFAULT_HEALTH_GATE, type HealthGateSettings } from '../policy/health-gate.js';
import type { Asking, ClaimRule, Reason } from '../policy/reasons.js';
import { Annotation, disturbedOf, releasedAt, slotOf } from '../slot/encoding.js';
import { settleRelease } from '../slot/transitions.js';
import { assess, type Assessment, type Release } from './assess.js';
import { describeMissing, describeTimeout, describeWait } from './describe.js';

export interface HealthGateDeps {
  readonly nodes: Pick<NodeCache, 'values' | 'on' | 'cas'>;
  readonly workloads: Pick<WorkloadCaches, 'start' | 'stop' | 'synced' | 'workload' | 'budget'>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly events: Pick<EventRecorder, 'record'>;
  /** Whether a claim by `asking` must wait for what `released`'s drain disturbed (the same pool, or both in none). */
  readonly sameScope: (released: NodeView, asking: Asking) => boolean;
  /** Only the leader marks releases settled on their Node. */
  readonly isLeader: () => boolean;
  /** Until `update`: the flags' settings. */
  readonly settings?: HealthGateSettings;
}

/** One release as the status page shows it. */
export interface ReleaseView {
  readonly node: string;
  /** RFC 3339. */
  readonly releasedAt: string;
  /** What is still missing, in words; empty once whole. */
  readonly missing: readonly string[];
  readonly timedOut: boolean;
  /** RFC 3339: when the gate stops waiting (then `onTimeout`). */
  readonly timesOutAt: string;
  /** Workloads and budgets the drain disturbed past the record's cap: not checked. */
  readonly notRecorded: number;
}

export interface HealthGateView {
  readonly enabled: boolean;
  readonly timeoutSeconds: number;
  readonly nodeReadySeconds: number;
  readonly onTimeout: 'proceed' | 'block';
  /** The Deployment, StatefulSet, ReplicaSet and PodDisruptionBudget watches have listed. */
  readonly watching: boolean;
  readonly releases: readonly ReleaseView[];
}

/** A release the gate may still wait for, and what this replica did about it. */
interface Pending {
  release: Release;
  /** The gate is done with it (whole, or given up); the settle mark is on its way to the Node. */
  done: 'whole' | 'timeout' | undefined;
  writing: boolean;
}

/** The release `node` carries, if it carries one (released-at, no slot held). */
function releaseOf(node: NodeView): Release | undefined {
  const at = releasedAt(node);
  const atIso = node.annotations[Annotation.releasedAt];
  if (at === undefined || atIso === undefined || slotOf(node)) return undefined;
  return { node, at, atIso, disturbed: disturbedOf(node) };
}

export class HealthGate implements ClaimRule {
  private settings: HealthGateSettings;
  /** Releases not yet settled, by node name: a few at a time, so a request never scans every node. */
  private readonly pending = new Map<string, Pending>();
  private readonly offNodes: () => void;

  constructor(private readonly deps: HealthGateDeps) {
    this.settings = deps.settings ?? DEFAULT_HEALTH_GATE;
    this.offNodes = deps.nodes.on((e) => this.note(e.key, e.type === 'deleted' ? undefined : e.current));
    this.update(this.settings);
  }

  /** Applies new settings: starts or stops the workload watches, and re-reads which releases are within reach. */
  update(settings: HealthGateSettings): void {
    this.settings = settings;
    if (settings.enabled) this.deps.workloads.start();
    else this.deps.workloads.stop();
    for (const node of this.deps.nodes.values()) this.note(node.name, node);
  }

  reasons(asking: Asking): readonly Reason[] {
    if (!this.settings.enabled || asking.urgent) return [];
    const s = this.settings;
    const out: Reason[] = [];
    for (const p of [...this.pending.values()]) {
      if (p.done) {
        if (!p.writing) this.settle(p, p.done);
        continue;
      }
      // A release past its timeout under Proceed is finished whoever asks, so the set stays small.
      const givingUp = s.onTimeout === 'proceed' && asking.now >= p.release.at + s.timeoutMs;
      if (!givingUp && !this.deps.sameScope(p.release.node, asking)) continue;
      const a = assess(p.release, this.deps.workloads, s, asking.now);
      if (a.missing.length === 0) this.settle(p, 'whole');
      // A release no drain recorded is only checked until its timeout, even under Block.
      else if (a.timedOut && (s.onTimeout === 'proceed' || !p.release.disturbed)) this.giveUp(p, a);
      else out.push(this.reason(p.release, a, asking.now));
    }
    return out;
  }

  /** The gate for the status page: settings and every release it waits for. */
  view(now: number): HealthGateView {
    const s = this.settings;
    const releases: ReleaseView[] = [];
    if (s.enabled) {
      for (const p of this.pending.values()) {
        if (p.done) continue;
        const a = assess(p.release, this.deps.workloads, s, now);
        releases.push({
          node: p.release.node.name,
          releasedAt: new Date(p.release.at).toISOString(),
          missing: a.missing.map((m) => describeMissing(m, p.release.node.name)),
          timedOut: a.timedOut,
          timesOutAt: new Date(a.timeoutAt).toISOString(),
          notRecorded: p.release.disturbed?.omitted ?? 0,
        });
      }
    }
    releases.sort((a, b) => (a.releasedAt < b.releasedAt ? -1 : a.releasedAt > b.releasedAt ? 1 : 0));
    return { enabled: s.enabled, timeoutSeconds: s.timeoutMs / 1000, nodeReadySeconds: s.nodeReadyMs / 1000, onTimeout: s.onTimeout, watching: this.deps.workloads.synced, releases };
  }

  close(): void {
    this.offNodes();
    this.deps.workloads.stop();
  }

  private reason(release: Release, a: Assessment, now: number): Reason {
    const onlyReadyFor = a.missing.every((m) => m.kind === 'node-ready-for') ? a.readyAt : undefined;
    const ends = this.settings.onTimeout === 'proceed' ? Math.min(a.timeoutAt, onlyReadyFor ?? Infinity) : a.timedOut ? undefined : onlyReadyFor;
    return { rule: 'health', message: describeWait(release, a, this.settings.onTimeout, now), ...(ends !== undefined ? { until: ends } : {}) };
  }

  /** Reported once per release, by the leader (followers answer `explain`): a Warning Event on the Node and a log line. */
  private giveUp(p: Pending, a: Assessment): void {
    if (this.deps.isLeader()) {
      const message = describeTimeout(p.release, a, this.settings.timeoutMs);
      this.deps.log.warn({ node: p.release.node.name, releasedAt: p.release.atIso, missing: a.missing.length }, message);
      this.deps.events.record(p.release.node, 'Warning', 'HealthGateTimeout', message);
    }
    this.settle(p, 'timeout');
  }

  /** Done with a release: marked on its Node (so no later leader waits for it), or simply dropped when no drain recorded it. */
  private settle(p: Pending, by: 'whole' | 'timeout'): void {
    p.done = by;
    const { node, atIso } = p.release;
    if (!p.release.disturbed) return void this.pending.delete(node.name);
    p.writing = true;
    this.deps.nodes.cas(node.name, (n) => settleRelease(n, atIso, by, this.deps.clock.now()), { mayWrite: this.deps.isLeader }).then(
      (r) => {
        p.writing = false;
        if (!r.fenced && this.pending.get(node.name) === p) this.pending.delete(node.name);
      },
      (err: unknown) => {
        p.writing = false;
        this.deps.log.warn({ node: node.name, err: (err as Error).message }, 'marking the health gate settled on the node failed; trying again on the next claim');
      },
    );
  }

  /** Keeps `pending` in step with the node cache. */
  private note(name: string, node: NodeView | undefined): void {
    const release = node && releaseOf(node);
    const known = this.pending.get(name);
    if (!release || release.disturbed?.settled || (!release.disturbed && this.deps.clock.now() >= release.at + this.settings.timeoutMs)) {
      this.pending.delete(name);
      return;
    }
    if (known && known.release.atIso === release.atIso) known.release = release;
    else this.pending.set(name, { release, done: undefined, writing: false });
  }
}
