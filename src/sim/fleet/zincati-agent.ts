// One node's simulated Zincati: the real FleetLock client over HTTP, Zincati's timing, reboots through the simulator.
import { setTimeout as sleep } from 'node:timers/promises';
import { FleetLockClient, type FleetLockResult } from '../../fleetlock/client.js';
import { zincatiId } from '../../identity/app-specific-id.js';
import type { Random } from './random.js';

/** What the agent does to "its machine": the Kubernetes simulator's store plays the kubelet. */
export interface NodeHost {
  /** New bootID and NotReady, as the node goes down. */
  rebootNode(name: string): unknown;
  setNodeReady(name: string, ready: boolean): unknown;
}

export type AgentEvent =
  | { readonly type: 'steady-state'; readonly node: string; readonly boot: number; readonly result: FleetLockResult }
  | { readonly type: 'pre-reboot'; readonly node: string; readonly result: FleetLockResult }
  | { readonly type: 'rebooting'; readonly node: string }
  | { readonly type: 'zincati-started'; readonly node: string; readonly boot: number }
  | { readonly type: 'kubelet-ready'; readonly node: string }
  | { readonly type: 'error'; readonly node: string; readonly message: string };

export interface ZincatiAgentOptions {
  /** The Node's name in the simulator. */
  readonly node: string;
  /** `/etc/machine-id`; the agent sends Zincati's app-specific id derived from it. */
  readonly machineId: string;
  readonly baseUrl: string;
  /** The node's address, which its FleetLock requests come from. */
  readonly sourceAddress?: string;
  readonly group?: string;
  readonly host: NodeHost;
  /** Simulated ms per real ms: 1000 turns Zincati's 300 s tick into 300 ms. */
  readonly timeScale: number;
  readonly random: Random;
  /** Zincati's refresh period, simulated ms (default 300 s; 0-10 % jitter is added). */
  readonly tickMs?: number;
  /** Simulated ms from going down until Zincati runs again (default 60 s). */
  readonly bootMs?: number;
  /** Simulated ms from going down until the kubelet is Ready (default: bootMs); `manual`: the caller sets it. */
  readonly kubeletReadyMs?: number | 'manual';
  readonly onEvent?: (event: AgentEvent) => void;
}

export const ZINCATI_TICK_MS = 300_000;
const ZINCATI_REQUEST_TIMEOUT_MS = 30 * 60_000;

/**
 * Behaves like Zincati with the fleet_lock strategy: at every start it reports steady-state
 * once (retried each tick only until a 2xx, whether or not the kubelet is Ready yet); once an
 * update is staged it asks pre-reboot every tick until any 2xx, then reboots.
 */
export class ZincatiAgent {
  readonly id: string;
  private readonly client: FleetLockClient;
  private readonly abort = new AbortController();
  private readonly group: string;
  private staged = false;
  private wakeStaged: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private boot = 0;

  constructor(private readonly opts: ZincatiAgentOptions) {
    this.id = zincatiId(opts.machineId);
    this.group = opts.group ?? 'default';
    this.client = new FleetLockClient({
      baseUrl: opts.baseUrl,
      id: this.id,
      group: this.group,
      timeoutMs: Math.max(5_000, this.scaled(ZINCATI_REQUEST_TIMEOUT_MS)),
      ...(opts.sourceAddress ? { localAddress: opts.sourceAddress } : {}),
    });
  }

  get node(): string {
    return this.opts.node;
  }

  /** Zincati starts on the current boot: steady-state first. */
  start(): void {
    this.running ??= this.lifecycle().catch((err: unknown) => {
      if (!this.abort.signal.aborted) this.emit({ type: 'error', node: this.node, message: (err as Error).message });
    });
  }

  /** An update was downloaded and staged: from now on, ask for a reboot slot. */
  stageUpdate(): void {
    this.staged = true;
    this.wakeStaged?.();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.wakeStaged?.();
    await this.running;
    await this.client.close();
  }

  private async lifecycle(): Promise<void> {
    for (;;) {
      await this.reportSteadyState();
      await this.untilStaged();
      await this.preRebootUntilGranted();
      this.goDown();
      await this.pause(this.opts.bootMs ?? 60_000);
      this.boot += 1;
      this.emit({ type: 'zincati-started', node: this.node, boot: this.boot });
    }
  }

  private async reportSteadyState(): Promise<void> {
    for (;;) {
      this.throwIfStopped();
      const result = await this.client.steadyState();
      this.emit({ type: 'steady-state', node: this.node, boot: this.boot, result });
      if (result.ok) return;
      await this.tick();
    }
  }

  private async preRebootUntilGranted(): Promise<void> {
    for (;;) {
      this.throwIfStopped();
      const result = await this.client.preReboot();
      this.emit({ type: 'pre-reboot', node: this.node, result });
      if (result.ok) return; // Zincati reboots on any 2xx
      await this.tick();
    }
  }

  private goDown(): void {
    this.throwIfStopped();
    this.staged = false; // the staged deployment is what the machine boots into
    this.opts.host.rebootNode(this.node);
    this.emit({ type: 'rebooting', node: this.node });
    const readyAfter = this.opts.kubeletReadyMs ?? this.opts.bootMs ?? 60_000;
    if (readyAfter === 'manual') return;
    this.pause(readyAfter).then(
      () => {
        try {
          this.opts.host.setNodeReady(this.node, true);
          this.emit({ type: 'kubelet-ready', node: this.node });
        } catch (err) {
          this.emit({ type: 'error', node: this.node, message: `kubelet could not report Ready: ${(err as Error).message}` });
        }
      },
      () => undefined, // stopped before the kubelet came up
    );
  }

  private untilStaged(): Promise<void> {
    this.throwIfStopped();
    if (this.staged) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.wakeStaged = () => {
        this.wakeStaged = undefined;
        resolve();
      };
    }).then(() => this.throwIfStopped());
  }

  /** Zincati's refresh period: 300 s plus 0-10 % jitter, no backoff. */
  private tick(): Promise<void> {
    const tickMs = this.opts.tickMs ?? ZINCATI_TICK_MS;
    return this.pause(tickMs * (1 + 0.1 * this.opts.random()));
  }

  private async pause(simulatedMs: number): Promise<void> {
    await sleep(this.scaled(simulatedMs), undefined, { signal: this.abort.signal });
  }

  private scaled(simulatedMs: number): number {
    return simulatedMs / this.opts.timeScale;
  }

  private throwIfStopped(): void {
    this.abort.signal.throwIfAborted();
  }

  private emit(event: AgentEvent): void {
    this.opts.onEvent?.(event);
  }
}
