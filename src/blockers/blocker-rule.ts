// The blocker rule: pods and firing alerts that hold back new claims, answered from caches and polls only.
import type { Logger } from 'pino';
import { Agent, type Dispatcher } from 'undici';
import type { Clock } from '../clock/clock.js';
import type { KubeApi } from '../kube/api.js';
import type { AlertBlocker, PodBlocker } from '../policy/blockers.js';
import type { Policy } from '../policy/policy.js';
import type { Asking, ClaimRule, Reason } from '../policy/reasons.js';
import { AlertPoller } from './alert-poller.js';
import { alertBlockerView, podBlockerView, type BlockerView } from './blocker-view.js';
import { alertMessage, podsMessage } from './describe.js';
import { PodWatch } from './pod-watch.js';

export interface BlockersDeps {
  readonly api: KubeApi;
  readonly clock: Clock;
  readonly log: Logger;
  readonly random?: () => number;
  /** How Prometheus and Alertmanager are reached; default a private undici Agent (no proxy from the environment). */
  readonly dispatcher?: Dispatcher;
}

/** A blocker's definition as a key: an edit that changes nothing keeps its watch or poller running. */
const NONE: readonly Reason[] = Object.freeze([]);

const definitionKey = (b: PodBlocker | AlertBlocker): string => JSON.stringify(b);

/**
 * Starts exactly the pod watches and alert pollers the policy names (none without blockers), and
 * answers `reasons` from them. Urgent askers are never blocked.
 */
export class Blockers implements ClaimRule {
  #pods = new Map<string, { key: string; watch: PodWatch }>();
  #alerts = new Map<string, { key: string; poller: AlertPoller }>();
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  #stopped = false;

  constructor(private readonly deps: BlockersDeps) {
    this.#ownsDispatcher = deps.dispatcher === undefined;
    this.#dispatcher = deps.dispatcher ?? new Agent({ connections: 4 });
  }

  /** Applies the policy's blockers: a new or changed one (re)starts, a removed one stops, the rest run on. */
  update(policy: Pick<Policy, 'podBlockers' | 'alertBlockers'>): void {
    if (this.#stopped) return;
    const pods = new Map<string, { key: string; watch: PodWatch }>();
    for (const blocker of policy.podBlockers) {
      const key = definitionKey(blocker);
      const old = this.#pods.get(blocker.name);
      if (old?.key === key) {
        pods.set(blocker.name, old);
        continue;
      }
      old?.watch.stop();
      const watch = new PodWatch(blocker, this.deps);
      watch.start();
      this.deps.log.info({ blocker: blocker.name, selector: watch.labelSelector }, `pod blocker "${blocker.name}": watching pods ${watch.labelSelector} in ${blocker.namespace ? `namespace ${blocker.namespace}` : 'all namespaces'}`);
      pods.set(blocker.name, { key, watch });
    }
    for (const [name, old] of this.#pods) if (pods.get(name) !== old) old.watch.stop();
    this.#pods = pods;

    const alerts = new Map<string, { key: string; poller: AlertPoller }>();
    for (const blocker of policy.alertBlockers) {
      const key = definitionKey(blocker);
      const old = this.#alerts.get(blocker.name);
      if (old?.key === key) {
        alerts.set(blocker.name, old);
        continue;
      }
      old?.poller.stop();
      const poller = new AlertPoller(blocker, { clock: this.deps.clock, log: this.deps.log, dispatcher: this.#dispatcher });
      poller.start();
      alerts.set(blocker.name, { key, poller });
    }
    for (const [name, old] of this.#alerts) if (alerts.get(name) !== old) old.poller.stop();
    this.#alerts = alerts;
  }

  /** One reason per blocker that blocks this claim; a pod blocker not listed yet blocks, to be safe. */
  reasons(asking: Asking): readonly Reason[] {
    if (asking.urgent || (this.#pods.size === 0 && this.#alerts.size === 0)) return NONE;
    const out: Reason[] = [];
    for (const { watch } of this.#pods.values()) {
      const name = watch.blocker.name;
      const pods = watch.synced ? watch.blockingFor(asking.node.name) : [];
      if (!watch.synced || pods.length > 0) out.push({ rule: 'blocker', message: podsMessage(name, watch.synced, pods) });
    }
    for (const { poller } of this.#alerts.values()) {
      const message = alertMessage(poller.blocker, poller.state);
      if (message) out.push({ rule: 'blocker', message });
    }
    return out;
  }

  /** Every pod blocker's cache has listed once. */
  synced(): boolean {
    for (const { watch } of this.#pods.values()) if (!watch.synced) return false;
    return true;
  }

  /** The alert poller of blocker `name`, for waiting on its next answer. */
  poller(name: string): AlertPoller | undefined {
    return this.#alerts.get(name)?.poller;
  }

  view(): BlockerView[] {
    return [...[...this.#pods.values()].map((p) => podBlockerView(p.watch)), ...[...this.#alerts.values()].map((a) => alertBlockerView(a.poller))];
  }

  /** Stops every watch and poller; the rule blocks nothing afterwards. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const { watch } of this.#pods.values()) watch.stop();
    for (const { poller } of this.#alerts.values()) poller.stop();
    this.#pods = new Map();
    this.#alerts = new Map();
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }
}
