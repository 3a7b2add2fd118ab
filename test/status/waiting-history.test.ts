// Who waits and what happened, on the simulator: a refused node's wait is kept on its Node (a new leader carries it
// on), ends with its claim, and each reboot's timeline lands in the node's history, the status API and /api/v1/history.
import t from 'tap';
import type { HistoryRow } from '../../src/status/history-rows.js';
import type { StatusSnapshot } from '../../src/status/snapshot.js';
import { historyOf } from '../../src/slot/history.js';
import { addReplicaSet, rebootAndWaitForRelease, startDrainCluster } from '../support/drain-cluster.js';

const annotation = (c: { sim: { store: { getNode(n: string): { metadata: { annotations?: Record<string, string> } } | undefined } } }, node: string, key: string) =>
  c.sim.store.getNode(node)?.metadata.annotations?.[`rebootmanager/${key}`];

async function status(url: string): Promise<StatusSnapshot> {
  return (await (await fetch(new URL('api/v1/status', url))).json()) as StatusSnapshot;
}

async function history(url: string, query: string): Promise<{ status: number; body: { reboots?: HistoryRow[]; message?: string } }> {
  const res = await fetch(new URL(`api/v1/history${query}`, url));
  return { status: res.status, body: (await res.json()) as { reboots?: HistoryRow[]; message?: string } };
}

void t.test('a refused node waits on the record, a new leader keeps its wait, its claim ends it, and each reboot has a timeline', async (t) => {
  const c = await startDrainCluster(t, { nodes: 3, replicas: 2 });
  const first = await c.leader();
  t.match(await c.preReboot('node-01'), { ok: true }, 'node-01 takes the one slot');

  t.match(await c.preReboot('node-02'), { ok: false, kind: 'slots_full' });
  await c.sim.store.waitFor(() => annotation(c, 'node-02', 'waiting') !== undefined, { timeoutMs: 10_000, description: 'the wait of node-02 on its Node' });
  const wait = JSON.parse(annotation(c, 'node-02', 'waiting') ?? '{}') as { since: string; asks: number; kind: string; group: string };
  t.match(wait, { asks: 1, kind: 'slots_full', group: 'default' }, 'the first refusal is written at once');
  await first.nodes.waitFor(() => first.nodes.get('node-02')?.annotations['rebootmanager/waiting'] !== undefined, 10_000);
  const waiting = (await status(first.internalUrl)).waiting;
  t.match(waiting, [{ node: 'node-02', source: 'fleetlock', group: 'default', since: wait.since, asks: 1, kind: 'slots_full', reason: /held \(by node-01\)/ }], 'the status lists who waits and why');
  const metrics = await (await fetch(new URL('metrics', first.internalUrl))).text();
  t.match(metrics, /^reboot_manager_waiting_nodes 1$/m, 'one node waits');
  t.match(metrics, /^reboot_manager_oldest_wait_seconds \d/m);

  // The leader goes; the next one answers node-02 from the wait its Node carries.
  const [other] = c.servers.filter((s) => s !== first);
  await first.close();
  c.servers = c.servers.filter((s) => s !== first);
  if (!other) throw new Error('no second replica');
  await other.whenServing();
  t.match(await c.preReboot('node-02'), { ok: false, kind: 'slots_full' });
  t.equal((await status(other.internalUrl)).waiting[0]?.since, wait.since, 'after the failover it still waits since its first refusal');

  // node-01 reboots: seen down, then back with a new boot.
  c.sim.store.rebootNode('node-01');
  await c.sim.store.waitFor(() => annotation(c, 'node-01', 'down-at') !== undefined, { timeoutMs: 10_000, description: 'node-01 seen down' });
  c.sim.store.setNodeReady('node-01', true);
  await c.sim.store.waitFor(() => annotation(c, 'node-01', 'status') === 'Ready', { timeoutMs: 10_000, description: 'node-01 released' });

  t.match(await c.preReboot('node-02'), { ok: true }, 'node-02 claims the freed slot');
  t.equal(annotation(c, 'node-02', 'waiting'), undefined, 'its claim ended its wait');
  t.equal(annotation(c, 'node-02', 'asked-at'), wait.since, 'the claim remembers when the wait began');
  c.sim.store.rebootNode('node-02');
  c.sim.store.setNodeReady('node-02', true);
  await c.sim.store.waitFor(() => annotation(c, 'node-02', 'status') === 'Ready', { timeoutMs: 10_000, description: 'node-02 released' });
  await other.nodes.waitFor(() => other.nodes.get('node-02')?.annotations['rebootmanager/history'] !== undefined, 10_000);

  const one = await history(other.internalUrl, '?node=node-01');
  t.equal(one.status, 200);
  t.match(one.body.reboots, [
    { node: 'node-01', source: 'fleetlock', holder: c.zincatiIdOf('node-01'), group: 'default', reason: 'rebooted', rebooted: true, evicted: 0, blocked: [], waitedSeconds: 0, granted: String, down: String, back: String, heldSeconds: Number },
  ], "node-01's reboot: asked and claimed at once, granted, down, back, released");
  const two = (await history(other.internalUrl, '?node=node-02')).body.reboots?.[0];
  t.match(two, { node: 'node-02', asked: wait.since, reason: 'rebooted', rebooted: true });
  t.ok(Date.parse(two?.asked ?? '') < Date.parse(two?.claimed ?? ''), 'node-02 waited before it claimed');

  const all = await history(other.internalUrl, '');
  t.same(all.body.reboots?.map((r) => r.node), ['node-02', 'node-01'], 'the cluster history, newest first');
  t.same((await status(other.internalUrl)).history.map((r) => r.node), ['node-02', 'node-01'], 'and in the status snapshot');
  t.same((await status(other.internalUrl)).waiting, [], 'nobody waits now');

  t.match(await history(other.internalUrl, '?node=no-such-node'), { status: 404, body: { message: 'no Node named no-such-node' } });
  t.match(await history(other.internalUrl, '?node=%3Cb%3E'), { status: 400, body: { message: /node must be one Node name/ } });
});

void t.test('a node that stops asking, or says steady-state holding nothing, no longer waits', async (t) => {
  const c = await startDrainCluster(t, { nodes: 2 });
  t.match(await c.preReboot('node-01'), { ok: true });
  t.match(await c.preReboot('node-02'), { ok: false, kind: 'slots_full' });
  await c.sim.store.waitFor(() => annotation(c, 'node-02', 'waiting') !== undefined, { timeoutMs: 10_000, description: 'the wait of node-02' });
  t.match(await c.steadyState('node-02'), { ok: true });
  await c.sim.store.waitFor(() => annotation(c, 'node-02', 'waiting') === undefined, { timeoutMs: 10_000, description: 'the wait cleared by steady-state' });
  t.same((await status((await c.leader()).internalUrl)).waiting, [], 'nobody waits');
});

void t.test("a drained node's history has the drain's final record: every pod it evicted, and when it was drained", async (t) => {
  const c = await startDrainCluster(t, { nodes: 2 });
  addReplicaSet(c, 'shop', 'web', ['node-01', 'node-01', 'node-01']);
  // As Zincati does: ask until the answer is 200, then reboot at once.
  let answer = await c.preReboot('node-01');
  while (!answer.ok && answer.kind === 'draining') answer = await c.preReboot('node-01');
  t.match(answer, { ok: true });
  await rebootAndWaitForRelease(c, 'node-01');
  const [record] = historyOf({ annotations: c.sim.store.getNode('node-01')?.metadata.annotations ?? {} });
  t.match(record, { evicted: 3, drained: String, reason: 'rebooted' }, 'the 200 came only once the final record was on the Node');
});
