// The KubeApi's records as the objects the API stores, and back: what RestKubeApi sends and reads, as JSON.
import { nodeEventObject, type LeaseRecord, type NodeEventRecord } from '../../kube/api.js';
import type { KubeObject } from './types.js';

export function leaseObject(namespace: string, name: string, lease: LeaseRecord, withRV: boolean): KubeObject {
  const spec: Record<string, unknown> = { holderIdentity: lease.holderIdentity, leaseDurationSeconds: lease.leaseDurationSeconds, leaseTransitions: lease.leaseTransitions };
  if (lease.acquireTime !== undefined) spec.acquireTime = lease.acquireTime;
  if (lease.renewTime !== undefined) spec.renewTime = lease.renewTime;
  const metadata = withRV && lease.resourceVersion ? { name, namespace, resourceVersion: lease.resourceVersion } : { name, namespace };
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata, spec };
}

export function leaseRecord(obj: KubeObject): LeaseRecord {
  const spec = obj.spec ?? {};
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
  return {
    holderIdentity: str(spec.holderIdentity) ?? '',
    leaseDurationSeconds: num(spec.leaseDurationSeconds),
    acquireTime: str(spec.acquireTime),
    renewTime: str(spec.renewTime),
    leaseTransitions: num(spec.leaseTransitions),
    ...(obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
  };
}

/** A core/v1 Event about a Node, as the recorder writes it. */
export function eventObject(namespace: string, event: NodeEventRecord): KubeObject {
  return nodeEventObject(namespace, event);
}
