// One alert blocker's background question, asked every interval; its last answer is what the rule reads.
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { CancelTimer, Clock } from '../clock/clock.js';
import type { AlertBlocker } from '../policy/blockers.js';
import { selectorMatches } from '../slot/label-selector.js';
import type { AlertState } from './alert-answers.js';

export type { AlertState, AlertStatus } from './alert-answers.js';
import { AlertQueryError } from './alert-query-error.js';
import { queryFiringAlerts } from './alert-query.js';
import { describeAlert, onErrorWord, shownUrl, someOf } from './describe.js';

export interface AlertPollerDeps {
  readonly clock: Clock;
  readonly log: Logger;
  readonly dispatcher: Dispatcher;
}

const stopped = (): Error => new Error('alert poller stopped');

export class AlertPoller {
  #state: AlertState;
  #running = false;
  #stop = new AbortController();
  #cancelTimer: CancelTimer | undefined;
  readonly #waiters: ((state: AlertState) => void)[] = [];

  constructor(
    readonly blocker: AlertBlocker,
    private readonly deps: AlertPollerDeps,
  ) {
    this.#state = { status: 'unknown', matching: [], blocks: blocker.onError === 'block' };
  }

  get state(): AlertState {
    return this.#state;
  }

  /** Asks now, then every interval after each answer (questions never overlap). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stop = new AbortController();
    void this.#poll();
  }

  /** Cancels the next question and the one in flight; the state stays as it was. */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#cancelTimer?.();
    this.#stop.abort(stopped());
    for (const resolve of this.#waiters.splice(0)) resolve(this.#state);
  }

  /** Resolves with the state after the next answer or failure (or at once with the state if stopped). */
  nextCheck(): Promise<AlertState> {
    if (!this.#running) return Promise.resolve(this.#state);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  async #poll(): Promise<void> {
    const blocker = this.blocker;
    const clock = this.deps.clock;
    // This run's own signal: after a stop (and maybe a new start) its answer is dropped.
    const run = this.#stop.signal;
    let next: AlertState;
    try {
      const alerts = await queryFiringAlerts({ url: blocker.url, api: blocker.api, timeoutMs: blocker.timeoutMs, dispatcher: this.deps.dispatcher, clock, signal: run });
      const matching = alerts.filter((a) => selectorMatches(blocker.matchers, a.labels));
      next = { status: matching.length > 0 ? 'firing' : 'clear', matching, checkedAt: clock.now(), blocks: matching.length > 0 };
    } catch (err) {
      if (run.aborted) return;
      const failure = err instanceof AlertQueryError ? err : new AlertQueryError('unreachable', String(err));
      next = { status: 'error', matching: [], error: failure.message, errorCode: failure.code, checkedAt: clock.now(), blocks: blocker.onError === 'block' };
    }
    if (run.aborted) return;
    const previous = this.#state;
    this.#state = next;
    this.#logChange(previous, next);
    for (const resolve of this.#waiters.splice(0)) resolve(next);
    this.#cancelTimer = clock.setTimer(blocker.intervalMs, () => void this.#poll());
  }

  /** One line per change of state (a new status, or a different failure), never one per question. */
  #logChange(previous: AlertState, next: AlertState): void {
    if (previous.status === next.status && previous.errorCode === next.errorCode) return;
    const { blocker } = this;
    const fields = { blocker: blocker.name, api: blocker.api, url: shownUrl(blocker.url), status: next.status, blocks: next.blocks };
    if (next.status === 'error') {
      const what = next.blocks ? `blocking new claims (${onErrorWord(blocker.onError)})` : `proceeding as if no alert fired (${onErrorWord(blocker.onError)})`;
      this.deps.log.warn({ ...fields, code: next.errorCode }, `alert blocker "${blocker.name}": ${next.error ?? 'failed'}; ${what}`);
    } else if (next.status === 'firing') {
      const alerts = someOf(next.matching.map((a) => describeAlert(a, blocker.matchers)));
      this.deps.log.info({ ...fields, firing: next.matching.length }, `alert blocker "${blocker.name}": ${alerts} firing; blocking new claims`);
    } else {
      this.deps.log.info(fields, `alert blocker "${blocker.name}": no matching alert fires${previous.status === 'unknown' ? '' : ' any more'}; not blocking`);
    }
  }
}
