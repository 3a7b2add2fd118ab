// A FleetLock request for node X is honoured only from node X: its own addresses or its imds-agent pod.
import t from 'tap';
import { pino } from 'pino';
import { Agent, request } from 'undici';
import { pollUntil } from '../../kit/poll.js';
import { makePod } from '../../src/sim/kube/fixtures.js';
import { scrape } from '../support/metrics.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { granted } from '../support/drain-cluster.js';

const AGENT_LABELS = { 'app.kubernetes.io/name': 'reboot-manager-imds-agent' };

/** What a request could change on a node: the lock, our annotations, the cordon. */
/** What a refused caller could have changed: the lock and the cordon (the leader's lifecycle conditions follow a grant on their own). */
function nodeState(c: TestCluster): string {
  return JSON.stringify(c.sim.store.listNodes().map((n) => [n.metadata.name, n.metadata.annotations, n.spec.unschedulable ?? false]));
}

function agentPod(name: string, nodeName: string, podIP: string, owner: { kind: string; name: string } = { kind: 'DaemonSet', name: 'reboot-manager-imds-agent' }) {
  return makePod({ namespace: 'reboot-manager', name, nodeName, podIP, labels: AGENT_LABELS, owner });
}

async function forbiddenCount(c: TestCluster, endpoint: string): Promise<number> {
  const m = await scrape((await c.leader()).internalUrl);
  return m.value('reboot_manager_fleetlock_requests_total', { endpoint, result: 'forbidden' }) ?? 0;
}

void t.test("a request from another node's address or from nowhere in the cluster is refused and changes nothing", async (t) => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  const c = await startCluster(t, { nodes: 3, logger });
  const before = nodeState(c);
  const fromNode2 = await c.client('node-01', { from: c.addressOf('node-02') });
  const spoofed = await fromNode2.preReboot();
  t.match(spoofed, { ok: false, status: 403, kind: 'forbidden', value: new RegExp(`accepted only from its own node .* not from ${c.addressOf('node-02').replaceAll('.', '\\.')}`) });
  t.match(await fromNode2.steadyState(), { status: 403, kind: 'forbidden' }, 'steady-state is checked too');

  const stranger = await c.client('node-01', { from: '127.0.0.1' });
  t.match(await stranger.preReboot(), { status: 403, kind: 'forbidden', value: /127\.0\.0\.1 is not an address of any Node nor of an imds-agent pod/ });
  // An unknown id from a stranger: the same answer, so the answer tells nothing about which ids exist.
  const unknownId = await request(new URL('v1/pre-reboot', (await c.leader()).url), {
    method: 'POST',
    headers: { 'fleet-lock-protocol': 'true' },
    body: JSON.stringify({ client_params: { id: 'f'.repeat(32), group: 'default' } }),
  });
  t.equal(unknownId.statusCode, 403);
  t.match(await unknownId.body.json(), { kind: 'forbidden' });

  t.equal(nodeState(c), before, 'no Node changed');
  t.same(c.holders(), []);
  t.ok(lines.some((l) => l.kind === 'forbidden' && l.source === c.addressOf('node-02') && l.id === c.zincatiIdOf('node-01')), 'the refusal is logged with the source address and the id asked for');
  t.equal(await forbiddenCount(c, 'pre-reboot'), 3, 'each refusal is counted');
  t.equal(await forbiddenCount(c, 'steady-state'), 1);
  t.same(await granted(c, 'node-01'), { ok: true, status: 200 }, 'the node itself is served');
});

void t.test("a holder's slot cannot be given back by another node", async (t) => {
  const c = await startCluster(t, { nodes: 2 });
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  const other = await c.client('node-01', { from: c.addressOf('node-02') });
  t.match(await other.steadyState(), { kind: 'forbidden' });
  t.same(c.holders(), ['node-01'], 'the slot is kept');
  t.equal(c.sim.store.getNode('node-01')?.spec.unschedulable, true, 'and the node stays cordoned');
});

void t.test('the imds-agent pod on the node is accepted; other pods are not', async (t) => {
  const c = await startCluster(t, { nodes: 3 });
  c.sim.store.createPod(agentPod('agent-node-02', 'node-02', '127.2.0.2'));
  c.sim.store.createPod(agentPod('agent-node-03', 'node-03', '127.2.0.3'));
  c.sim.store.createPod(makePod({ namespace: 'reboot-manager', name: 'lookalike', nodeName: 'node-01', podIP: '127.2.0.9', labels: AGENT_LABELS, owner: { kind: 'ReplicaSet', name: 'x' } }));
  c.sim.store.createPod(makePod({ namespace: 'default', name: 'tenant', nodeName: 'node-01', podIP: '127.2.0.10', labels: AGENT_LABELS, owner: { kind: 'DaemonSet', name: 'x' } }));
  const agentOn2 = await c.client('node-02', { from: '127.2.0.2', group: 'azure' });
  // The pod watch may lag the create: the agent retries a refusal, as the real one does every few seconds.
  const answer = await pollUntil('the agent pod to be seen', async () => {
    const a = await agentOn2.preReboot();
    return a.ok || a.kind !== 'forbidden' ? a : undefined;
  }, { timeoutMs: 10_000, intervalMs: 20 });
  t.same(answer, { ok: true, status: 200 }, "the agent pod's address speaks for its own node");
  t.same(c.holders(), ['node-02']);

  const before = nodeState(c);
  t.match(await (await c.client('node-01', { from: '127.2.0.3' })).preReboot(), { kind: 'forbidden' }, "an agent pod does not speak for another node");
  t.match(await (await c.client('node-01', { from: '127.2.0.9' })).preReboot(), { kind: 'forbidden' }, 'a pod with the label but no DaemonSet owner is nobody');
  t.match(await (await c.client('node-01', { from: '127.2.0.10' })).preReboot(), { kind: 'forbidden' }, 'a pod in another namespace is nobody');
  t.equal(nodeState(c), before, 'no Node changed');

  c.sim.store.deletePod('reboot-manager', 'agent-node-02', { gracePeriodSeconds: 0 });
  const gone = await pollUntil('the agent pod to be gone', async () => {
    const a = await agentOn2.steadyState();
    return a.ok ? undefined : a;
  }, { timeoutMs: 10_000, intervalMs: 20 });
  t.match(gone, { kind: 'forbidden' }, 'a deleted agent pod speaks for nobody');
  t.same(c.holders(), ['node-02'], 'and its refused steady-state kept the slot');
});

void t.test("a trusted proxy's X-Forwarded-For is believed only from the proxy's range", async (t) => {
  const c = await startCluster(t, { nodes: 2, flags: ['--trusted-proxies', '127.3.0.0/16'] });
  const url = new URL('v1/pre-reboot', (await c.leader()).url);
  const body = JSON.stringify({ client_params: { id: c.zincatiIdOf('node-01'), group: 'default' } });
  const headers = { 'fleet-lock-protocol': 'true', 'x-forwarded-for': `203.0.113.7, ${c.addressOf('node-01')}` };
  const untrusted = new Agent({ localAddress: '127.4.0.1' });
  const proxy = new Agent({ localAddress: '127.3.0.1' });
  t.teardown(() => Promise.all([untrusted.close(), proxy.close()]));

  const forged = await request(url, { method: 'POST', headers, body, dispatcher: untrusted });
  t.equal(forged.statusCode, 403, 'a forwarded-for header from outside the trusted range is ignored');
  t.match(await forged.body.json(), { kind: 'forbidden', value: /127\.4\.0\.1 is not an address/ });
  t.same(c.holders(), []);

  const viaProxy = await request(url, { method: 'POST', headers, body, dispatcher: proxy });
  t.equal(viaProxy.statusCode, 200, "through the proxy, the forwarded node address is the caller's");
  await viaProxy.body.dump();
  t.same(c.holders(), ['node-01']);
});

void t.test('--caller-check=off serves any caller and says so at start', async (t) => {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const c = await startCluster(t, { nodes: 2, flags: ['--caller-check', 'off'], logger });
  t.same(await (await c.client('node-01', { from: '127.0.0.1' })).preReboot(), { ok: true, status: 200 });
  t.ok(lines.some((l) => l.includes('"level":40') && l.includes('--caller-check=off')), 'a warning at start names the risk');
});

void t.test('until the imds-agent pods are listed, the replica is not ready and refuses with unavailable, not forbidden', async (t) => {
  const c = await startCluster(t, { nodes: 2, flags: ['--leader-elect=false'] });
  const podsDown = c.sim.faults.inject({ verb: 'list', resource: 'pods', namespace: 'reboot-manager', status: 500 });
  const replica = await c.startReplica('replica-late');
  await replica.nodes.whenSynced();
  const ready = await request(new URL('readyz', replica.internalUrl));
  t.equal(ready.statusCode, 503, 'not ready: the Service sends no FleetLock traffic here yet');
  t.match(await ready.body.json(), { reason: 'imds-agent pod cache not synced yet' });
  const early = await c.client('node-01', { server: replica });
  t.match(await early.preReboot(), { status: 503, kind: 'unavailable' }, 'an agent asking now would be told to retry, not that it is a stranger');
  t.same(c.holders(), []);

  podsDown.remove();
  await pollUntil('the replica ready', async () => {
    const r = await request(new URL('readyz', replica.internalUrl));
    await r.body.dump();
    return r.statusCode === 200;
  }, { timeoutMs: 60_000, intervalMs: 100 });
  t.same(await early.preReboot(), { ok: true, status: 200 });
});
