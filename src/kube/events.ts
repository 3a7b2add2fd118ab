import { randomBytes } from 'node:crypto';
import type { KubeClient } from './client.js';
import { toKubeError, type KubeError } from './errors.js';
import type { NodeView } from './node-view.js';

export type EventType = 'Normal' | 'Warning';

/** Reasons reboot-manager records on a Node; `kubectl describe node` shows them in order. */
export type NodeEventReason =
  | 'RebootSlotClaimed'
  | 'RebootSlotWithdrawn'
  | 'Cordoned'
  | 'Evicting'
  | 'EvictionBlocked'
  | 'Drained'
  | 'DrainTimeout'
  | 'RebootGranted'
  | 'RebootSlotReleased'
  | 'Uncordoned'
  | 'StaleHolder'
  | 'DuplicateMachineID';

export interface EventRecorderOptions {
  readonly namespace: string;
  /** Replica identity, shown as the reporting instance. */
  readonly instance: string;
  readonly onError: (err: KubeError) => void;
}

/**
 * Records Kubernetes Events on Nodes. Recording never blocks or fails the caller: an Event is
 * progress for the operator, so a failure is reported through `onError` and the work goes on.
 */
export class EventRecorder {
  private pending = new Set<Promise<void>>();

  constructor(
    private readonly client: KubeClient,
    private readonly opts: EventRecorderOptions,
  ) {}

  record(node: Pick<NodeView, 'name' | 'uid'>, type: EventType, reason: NodeEventReason, message: string): void {
    const done = this.create(node, type, reason, message).finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  /** Resolves when every Event recorded so far was written or reported (for shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async create(node: Pick<NodeView, 'name' | 'uid'>, type: EventType, reason: NodeEventReason, message: string): Promise<void> {
    const now = new Date();
    try {
      await this.client.core.createNamespacedEvent({
        namespace: this.opts.namespace,
        body: {
          metadata: { name: `${node.name}.${now.getTime().toString(16)}${randomBytes(3).toString('hex')}`, namespace: this.opts.namespace },
          involvedObject: { apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid },
          type,
          reason,
          message: message.slice(0, 1024),
          source: { component: 'reboot-manager' },
          reportingComponent: 'reboot-manager',
          reportingInstance: this.opts.instance,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
    } catch (err) {
      this.opts.onError(toKubeError(err, `recording ${reason} event for node ${node.name}`));
    }
  }
}
