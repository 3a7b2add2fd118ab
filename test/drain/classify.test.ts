import { FLEETLOCK } from '../../src/slot/slot.js';
import t from 'tap';
import { classifyPod, mustLeave } from '../../src/drain/classify.js';
import { slotAnnotations, slotOf } from '../../src/slot/encoding.js';
import { describeProgress } from '../../src/slot/progress-text.js';
import { NO_PROGRESS, type DrainProgress } from '../../src/slot/slot.js';
import { KubeError } from '../../src/kube/errors.js';
import { toPodView } from '../../src/kube/pod-view.js';
import { evictionResultOf } from '../../src/kube/pods.js';
import { makePod } from '../../src/sim/kube/index.js';

const pod = (f: Partial<Parameters<typeof makePod>[0]> = {}) => toPodView(makePod({ namespace: 'ns', name: 'p', nodeName: 'node-01', owner: { kind: 'ReplicaSet', name: 'rs' }, ...f }));

void t.test('pods are classified like kubectl drain --ignore-daemonsets --delete-emptydir-data', async (t) => {
  t.equal(classifyPod(pod(), 'block'), 'evict', 'a ReplicaSet pod is evicted');
  t.equal(classifyPod(pod({ owner: { kind: 'StatefulSet', name: 'db' } }), 'block'), 'evict');
  t.equal(classifyPod(pod({ emptyDir: true }), 'block'), 'evict', 'emptyDir data is deleted with the pod');
  t.equal(classifyPod(pod({ owner: { kind: 'DaemonSet', name: 'agent' } }), 'evict'), 'daemonset', 'DaemonSet pods stay');
  t.equal(classifyPod(pod({ mirror: true, owner: { kind: 'Node', name: 'node-01' } }), 'evict'), 'mirror', 'static pods stay');
  t.equal(classifyPod(pod({ phase: 'Succeeded' }), 'block'), 'finished');
  t.equal(classifyPod(pod({ phase: 'Failed', owner: undefined }), 'block'), 'finished', 'a finished bare pod blocks nothing');
  const bare = pod({ owner: undefined });
  t.equal(classifyPod(bare, 'block'), 'unmanaged', 'a pod with no controller waits for an operator by default');
  t.equal(classifyPod(bare, 'evict'), 'evict', 'or is evicted like --force');
  t.ok(mustLeave(bare, 'block'), 'a blocked bare pod still keeps the node from being drained');
  t.notOk(mustLeave(pod({ owner: { kind: 'DaemonSet', name: 'agent' } }), 'block'));
  await Promise.resolve();
});

void t.test('eviction answers: budget refusals name the budget; gone, replaced, throttled and several budgets', async (t) => {
  const ns = { namespace: 'shop' };
  const budget = new KubeError('throttled', 'evicting pod shop/web-1: 429 TooManyRequests', {
    status: 429,
    causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 1 currently' }],
  });
  t.match(evictionResultOf(budget, ns), { kind: 'budget', budget: 'shop/web' });
  t.match(evictionResultOf(new KubeError('throttled', 'x', { status: 429, retryAfterSeconds: 3 }), ns), { kind: 'throttled', retryAfterMs: 3000 });
  t.match(evictionResultOf(new KubeError('not_found', 'x', { status: 404 }), ns), { kind: 'gone' });
  t.match(evictionResultOf(new KubeError('conflict', 'Precondition failed: UID in precondition', { status: 409 }), ns), { kind: 'gone' }, 'a same-named replacement is not ours to evict');
  const several = new KubeError('unavailable', 'evicting pod shop/web-1: 500 InternalError This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', { status: 500 });
  t.match(evictionResultOf(several, ns), { kind: 'several-budgets' });
  t.equal(evictionResultOf(new KubeError('unavailable', 'injected fault: HTTP 500', { status: 500 }), ns), undefined, 'a plain 500 is an API failure to retry');
  await Promise.resolve();
});

void t.test('progress text, and a resumed drain keeps its count', async (t) => {
  const progress = { ...NO_PROGRESS, evicted: 3, total: 7, terminating: 1, blockers: ['PodDisruptionBudget shop/web'] };
  const text = describeProgress(progress);
  t.equal(text, '3/7 pods evicted; 1 terminating; waiting on PodDisruptionBudget shop/web');
  t.equal(resumedCount(progress), 3);
  const lateProgress = { ...NO_PROGRESS, evicted: 3, total: 7, timedOut: { afterMs: 30 * 60_000, policy: 'refuse' as const } };
  const late = describeProgress(lateProgress);
  t.equal(late, 'drain timed out after 30m (policy refuse); 3/7 pods evicted');
  t.equal(resumedCount(lateProgress), 3);
  t.equal(resumedCount(null), 0);
  await Promise.resolve();
});

/** What a new leader reads back from the Node to resume counting. */
function resumedCount(progress: DrainProgress | null): number {
  const node = { annotations: { ...slotAnnotations({ source: FLEETLOCK, group: 'g', id: 'i', claim: 'c', phase: 'draining', claimedAt: 'x', bootId: 'b', cordonedByUs: true, releaseRequestedAt: null, drain: progress }) } as Record<string, string> };
  return slotOf(node)?.drain?.evicted ?? 0;
}
