import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock/clock.js';
import type { KubeApi } from './api.js';
import { toKubeError, type KubeError } from './errors.js';
import type { NodeView } from './node-view.js';

export type EventType = 'Normal' | 'Warning';

/** Reasons reboot-manager records on a Node; `kubectl describe node` shows them in order. */
export type NodeEventReason =
  | 'RebootSlotClaimed'
  | 'Cordoned'
  | 'Evicting'
  | 'EvictionBlocked'
  | 'Drained'
  | 'DrainTimeout'
  | 'RebootGranted'
  | 'RebootSlotReleased'
  | 'Uncordoned'
  | 'StaleHolder'
  | 'RebootBlocked'
  | 'DrainStopped'
  /** The health gate gave up waiting for what a drain disturbed and lets claims proceed. */
  | 'HealthGateTimeout';

/** Reasons recorded on the RebootPolicy. */
export type PolicyEventReason = 'PolicyAccepted' | 'PolicyRejected';

/** Reasons recorded on a MaintenanceRequest (and the overrun and expiry on its Node too). */
export type RequestEventReason = 'MaintenanceApproved' | 'MaintenanceCompleted' | 'MaintenanceExpired' | 'MaintenanceRejected' | 'MaintenanceOverrun';

/** What an Event is about: a Node, or (with `kind`) the RebootPolicy. */
export interface EventSubject {
  readonly name: string;
  readonly uid: string;
  readonly kind?: 'RebootPolicy' | 'MaintenanceRequest';
}

/**
 * Where Events about Nodes live. The API server accepts an Event whose object has no namespace (a Node)
 * only in `default` (or, for events.k8s.io-style Events with an eventTime, `kube-system`): the kubelet and
 * the node controller record theirs there too, and `kubectl describe node` finds them in any namespace.
 */
export const NODE_EVENTS_NAMESPACE = 'default';

export interface EventRecorderOptions {
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
    private readonly api: KubeApi,
    private readonly clock: Clock,
    private readonly opts: EventRecorderOptions,
  ) {}

  record(node: Pick<NodeView, 'name' | 'uid'>, type: EventType, reason: NodeEventReason, message: string): void {
    this.recordOn(node, type, reason, message);
  }

  recordOn(subject: EventSubject, type: EventType, reason: NodeEventReason | PolicyEventReason | RequestEventReason, message: string): void {
    const done = this.create(subject, type, reason, message).finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  /** Resolves when every Event recorded so far was written or reported (for shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async create(node: EventSubject, type: EventType, reason: NodeEventReason | PolicyEventReason | RequestEventReason, message: string): Promise<void> {
    const now = this.clock.now();
    try {
      await this.api.createEvent(NODE_EVENTS_NAMESPACE, {
        name: `${node.name}.${now.toString(16)}${randomBytes(3).toString('hex')}`,
        node: { name: node.name, uid: node.uid },
        ...(node.kind ? { kind: node.kind } : {}),
        type,
        reason,
        message: message.slice(0, 1024),
        instance: this.opts.instance,
        time: new Date(now).toISOString(),
      });
    } catch (err) {
      this.opts.onError(toKubeError(err, `recording ${reason} event for ${node.kind ?? 'node'} ${node.name}`));
    }
  }
}
