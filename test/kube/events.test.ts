// Events about Nodes are written where a real API server accepts them: a Node has no namespace, and the
// API server refuses such an Event anywhere but `default` (422 "involvedObject.namespace: Invalid value:
// "": does not match event.namespace"). The simulator does not enforce that rule; this test states it.
import t from 'tap';
import type { KubeApi, NodeEventRecord } from '../../src/kube/api.js';
import { nodeEventObject } from '../../src/kube/api.js';
import { EventRecorder, NODE_EVENTS_NAMESPACE } from '../../src/kube/events.js';
import { VirtualClock } from '../../src/clock/virtual-clock.js';

/** kube-apiserver's rule for core/v1 Events without an eventTime (pkg/apis/core/validation/events.go). */
function apiServerAccepts(event: ReturnType<typeof nodeEventObject>): boolean {
  const involved = (event.involvedObject as { namespace?: string }).namespace ?? '';
  const namespace = event.metadata.namespace;
  return involved === '' ? namespace === '' || namespace === 'default' : namespace === involved;
}

void t.test('a Node Event is recorded in default, whatever namespace reboot-manager runs in', async (t) => {
  const written: { namespace: string; event: NodeEventRecord }[] = [];
  const api = { createEvent: async (namespace: string, event: NodeEventRecord) => void written.push({ namespace, event }) } as unknown as KubeApi;
  const errors: unknown[] = [];
  const recorder = new EventRecorder(api, new VirtualClock(0), { instance: 'replica-a', onError: (err) => errors.push(err) });
  recorder.record({ name: 'node-01', uid: 'u-1' }, 'Normal', 'Cordoned', 'Cordoned by reboot-manager');
  await recorder.flush();
  t.same(errors, []);
  const [first, ...more] = written;
  if (!first) throw new Error('no Event written');
  t.same(more, []);
  t.equal(first.namespace, 'default');
  t.equal(NODE_EVENTS_NAMESPACE, 'default');
  t.ok(apiServerAccepts(nodeEventObject(first.namespace, first.event)), 'the API server accepts the Event object');
  t.notOk(apiServerAccepts(nodeEventObject('reboot-manager', first.event)), 'it would refuse one in reboot-manager');
});
