// Pod blockers on the in-process cluster and a virtual clock: which claims a matching pod holds back, and when it lets go.
import t, { type Test } from 'tap';
import { pino } from 'pino';
import { Blockers } from '../../src/blockers/blocker-rule.js';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { toNodeView } from '../../src/kube/node-view.js';
import type { Asking } from '../../src/policy/reasons.js';
import { runUntil } from '../../src/sim/dst/drive.js';
import { makeNode, makePod, machineIdFor } from '../../src/sim/kube/fixtures.js';
import { createMemoryCluster, faultErrors, type ApiCall, type CallFault } from '../../src/sim/kube/memory-api.js';
import { withBlockers } from '../support/blocker-rig.js';

const BACKUP = { app: 'backup' };

function setUp(t: Test) {
  const clock = new VirtualClock();
  const cluster = createMemoryCluster({ clock });
  t.teardown(() => cluster.close());
  for (let i = 1; i <= 3; i++) cluster.store.createNode(makeNode({ name: `node-${i}`, machineID: machineIdFor(i) }));
  const calls: ApiCall[] = [];
  const faults = { failPods: false };
  const onCall = (c: ApiCall): CallFault => {
    calls.push(c);
    return faults.failPods && c.resource === 'pods' ? { kind: 'fail', error: faultErrors.unavailable() } : { kind: 'none' };
  };
  const api = cluster.api({ faults: { onCall, onWatchEvent: () => ({ delayMs: 0 }) } });
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
  const rule = new Blockers({ api, clock, log, random: () => 0.5 });
  t.teardown(() => rule.stop());
  const asking = (node: string, urgent = false): Asking => ({
    node: toNodeView(cluster.store.getNode(node)),
    group: 'default',
    now: clock.now(),
    pools: [],
    urgent,
  });
  const apply = (blockers: unknown): void => rule.update(withBlockers(blockers));
  const messages = (node: string, urgent = false): string[] => rule.reasons(asking(node, urgent)).map((r) => `${r.rule}: ${r.message}`);
  const pod = (namespace: string, name: string, nodeName: string | undefined, labels: Record<string, string> = BACKUP) =>
    cluster.store.createPod(makePod({ namespace, name, ...(nodeName ? { nodeName } : {}), labels, clock }));
  const settle = (done: () => boolean) => runUntil(clock, done, 60_000);
  return { clock, cluster, rule, calls, faults, lines, apply, messages, pod, settle };
}

void t.test('a matching pod anywhere blocks every asker; other pods do not', async (t) => {
  const s = setUp(t);
  s.pod('backup', 'nightly-x', 'node-3');
  s.pod('shop', 'web-1', 'node-1', { app: 'web' });
  s.apply({ pods: [{ name: 'backup-jobs', selector: { matchLabels: BACKUP } }] });
  t.notOk(s.rule.synced(), 'not listed yet right after the policy names it');
  t.same(s.messages('node-1'), ['blocker: pods "backup-jobs": not listed yet'], 'and until then it blocks, to be safe');
  t.ok(await s.settle(() => s.rule.synced()));
  for (const node of ['node-1', 'node-2', 'node-3']) t.same(s.messages(node), ['blocker: pods "backup-jobs": backup/nightly-x on node-3'], node);
  t.same(s.messages('node-1', true), [], 'an urgent asker (Azure Preempt, Terminate) is never blocked');

  s.pod('backup', 'weekly', undefined);
  s.pod('other', 'a', 'node-1');
  s.pod('other', 'b', 'node-2');
  t.ok(await s.settle(() => s.rule.view().some((v) => v.kind === 'pods' && v.podCount === 4)));
  t.same(s.messages('node-2'), ['blocker: pods "backup-jobs": backup/nightly-x on node-3, backup/weekly (not scheduled), other/a on node-1 and 1 more'], 'up to 3 pods named');
  t.ok(s.lines.some((l) => l.msg.startsWith('pod blocker "backup-jobs": backup/nightly-x on node-3; blocking new claims everywhere')), 'the log says it blocks');
});

void t.test('scope Node blocks only the node the pod runs on', async (t) => {
  const s = setUp(t);
  s.pod('batch', 'local-job', 'node-2');
  s.pod('batch', 'unscheduled', undefined);
  s.apply({ pods: [{ name: 'local', scope: 'Node', selector: { matchLabels: BACKUP } }] });
  t.ok(await s.settle(() => s.rule.synced()));
  t.same(s.messages('node-2'), ['blocker: pods "local": batch/local-job on node-2']);
  t.same(s.messages('node-1'), [], 'another node is free to go');
  t.same(s.messages('node-3'), [], 'a pod not scheduled yet blocks no node');
});

void t.test('a pod that finishes, or is being deleted, no longer blocks', async (t) => {
  const s = setUp(t);
  s.pod('backup', 'run-1', 'node-1');
  s.pod('backup', 'run-2', 'node-2');
  s.apply({ pods: [{ name: 'backups', selector: { matchLabels: BACKUP } }] });
  t.ok(await s.settle(() => s.rule.synced() && s.messages('node-3').length === 1));
  const finished = s.cluster.store.getPod('backup', 'run-1');
  if (!finished) throw new Error('run-1 missing');
  finished.status = { ...finished.status, phase: 'Succeeded' };
  s.cluster.store.update('pods', finished);
  t.ok(await s.settle(() => s.messages('node-3')[0] === 'blocker: pods "backups": backup/run-2 on node-2'), 'a Succeeded pod is done');
  s.cluster.store.deletePod('backup', 'run-2');
  t.ok(await s.settle(() => s.messages('node-3').length === 0), 'a pod being deleted is on its way out');
  t.ok(s.cluster.store.getPod('backup', 'run-2')?.metadata.deletionTimestamp, 'still terminating, yet no longer blocking');
  t.ok(s.lines.some((l) => l.msg === 'pod blocker "backups": no matching pod any more; not blocking'), 'the log says it stopped blocking');
});

void t.test('a namespaced blocker ignores matching pods in other namespaces', async (t) => {
  const s = setUp(t);
  s.pod('shop', 'backup-x', 'node-1');
  s.apply({ pods: [{ name: 'backups', namespace: 'backup', selector: { matchLabels: BACKUP } }] });
  t.ok(await s.settle(() => s.rule.synced()));
  t.same(s.messages('node-1'), []);
  s.pod('backup', 'nightly', 'node-2');
  t.ok(await s.settle(() => s.messages('node-1').length === 1));
  t.same(s.messages('node-1'), ['blocker: pods "backups": backup/nightly on node-2']);
  t.ok(s.calls.filter((c) => c.resource === 'pods').every((c) => c.namespace === 'backup'), 'only its namespace is listed and watched');
});

void t.test('watches run only while the policy names a blocker; changing one restarts only that one', async (t) => {
  const s = setUp(t);
  s.apply(undefined);
  await s.settle(() => false);
  t.equal(s.cluster.openWatches(), 0, 'no blockers: no watch');
  t.same(s.calls, [], 'and no call at all');

  const backups = { name: 'backups', namespace: 'backup', selector: { matchLabels: BACKUP } };
  s.apply({ pods: [backups, { name: 'jobs', namespace: 'batch', selector: { matchLabels: { app: 'job' } } }] });
  t.ok(await s.settle(() => s.rule.synced() && s.cluster.openWatches() === 2));
  const listed = (ns: string) => s.calls.filter((c) => c.verb === 'list' && c.namespace === ns).length;
  t.same([listed('backup'), listed('batch')], [1, 1]);

  s.pod('batch', 'cron', 'node-1', { app: 'cron' });
  s.apply({ pods: [backups, { name: 'jobs', namespace: 'batch', selector: { matchLabels: { app: 'cron' } } }] });
  t.ok(await s.settle(() => s.rule.synced() && s.messages('node-2').length === 1));
  t.same(s.messages('node-2'), ['blocker: pods "jobs": batch/cron on node-1'], 'the changed blocker applies its new selector');
  await s.settle(() => false);
  t.same([listed('backup'), listed('batch')], [1, 2], 'only the changed blocker listed again');
  t.equal(s.cluster.openWatches(), 2, 'the old watch of the changed blocker is closed');

  s.apply({ pods: [backups] });
  t.ok(await s.settle(() => s.cluster.openWatches() === 1), 'a removed blocker stops watching');
  t.same(s.messages('node-2'), [], 'and blocks nothing');
  s.apply({});
  t.ok(await s.settle(() => s.cluster.openWatches() === 0), 'a policy without blockers watches nothing');
});

void t.test('a blocker whose pods cannot be listed blocks, says why, and lets go once the list answers', async (t) => {
  const s = setUp(t);
  s.faults.failPods = true;
  s.apply({ pods: [{ name: 'backups', selector: { matchLabels: BACKUP } }] });
  t.ok(await s.settle(() => s.lines.some((l) => l.msg === 'pod blocker "backups": listing or watching its pods failed (the server is currently unable to handle the request); retrying, and blocking until they are listed')), 'the failure is logged');
  t.same(s.messages('node-1'), ['blocker: pods "backups": not listed yet']);
  t.match(s.rule.view(), [{ kind: 'pods', name: 'backups', synced: false, blocking: true, error: /unable to handle the request/ }], 'and shown');
  s.faults.failPods = false;
  t.ok(await s.settle(() => s.rule.synced()), 'the cache retries');
  t.same(s.messages('node-1'), []);
  t.same(s.rule.view(), [{ kind: 'pods', name: 'backups', scope: 'cluster', selector: 'app=backup', synced: true, blocking: false, pods: [], podCount: 0 }]);
});
