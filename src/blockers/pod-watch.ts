// One pod blocker at work: its watch, what it blocks, and a log line each time it starts or stops blocking.
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { KubeApi } from '../kube/api.js';
import { BlockingPods, type BlockingPodView } from '../kube/blocking-pods.js';
import type { PodBlocker } from '../policy/blockers.js';
import { selectorString } from '../slot/label-selector.js';
import { describePod, someOf } from './describe.js';

export interface PodWatchDeps {
  readonly api: KubeApi;
  readonly clock: Clock;
  readonly log: Logger;
  readonly random?: () => number;
}

export class PodWatch {
  readonly pods: BlockingPods;
  readonly labelSelector: string;
  /** The last list or watch failure (retried by the cache), for the status page. */
  lastError: { readonly message: string; readonly at: number } | undefined;
  #wasBlocking = false;

  constructor(
    readonly blocker: PodBlocker,
    deps: PodWatchDeps,
  ) {
    this.labelSelector = selectorString(blocker.selector);
    const where = blocker.namespace ? `namespace ${blocker.namespace}` : 'all namespaces';
    this.pods = new BlockingPods(deps.api, deps.clock, `pods of blocker "${blocker.name}" (${this.labelSelector} in ${where})`, {
      labelSelector: this.labelSelector,
      ...(blocker.namespace ? { namespace: blocker.namespace } : {}),
    }, {
      ...(deps.random ? { random: deps.random } : {}),
      onError: (err) => {
        this.lastError = { message: err.message, at: deps.clock.now() };
        deps.log.warn({ blocker: blocker.name, code: err.code, err: err.message }, `pod blocker "${blocker.name}": listing or watching its pods failed (${err.message}); retrying${this.pods.synced ? '' : ', and blocking until they are listed'}`);
      },
    });
    this.pods.on(() => {
      this.lastError = undefined;
      const blocking = this.pods.blocking();
      if ((blocking.length > 0) === this.#wasBlocking) return;
      this.#wasBlocking = blocking.length > 0;
      const scope = blocker.scope === 'node' ? 'on the nodes they run on' : 'everywhere';
      if (this.#wasBlocking) deps.log.info({ blocker: blocker.name, pods: blocking.length }, `pod blocker "${blocker.name}": ${someOf(blocking.map(describePod))}; blocking new claims ${scope}`);
      else deps.log.info({ blocker: blocker.name }, `pod blocker "${blocker.name}": no matching pod any more; not blocking`);
    });
  }

  start(): void {
    this.pods.start();
    void this.pods.whenSynced().then(() => (this.lastError = undefined));
  }

  stop(): void {
    this.pods.stop();
  }

  get synced(): boolean {
    return this.pods.synced;
  }

  /** Pods that block `nodeName` (scope Node), or every node (scope Cluster). */
  blockingFor(nodeName: string): BlockingPodView[] {
    return this.pods.blocking(this.blocker.scope === 'node' ? nodeName : undefined);
  }
}
