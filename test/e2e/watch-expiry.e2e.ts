// reboot-manager's node watch broken and its resourceVersion compacted away by etcd: the API server answers
// the resumed watch with 410 Gone, and the replica must list again, not go on from a cache that misses changes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { request } from 'undici';
import { parse, stringify } from 'yaml';
import { createNodes, type FakeNode } from '../../kit/nodes.js';
import { holdsSlot } from '../../src/sim/fleet/holder-watch.js';
import type { StatusRow } from '../../src/status/rows.js';
import { startE2eCluster } from './support/e2e-cluster.js';
import { preRebootUntilGranted, refusal, zincati } from './support/fleetlock.js';
import { rebootManager } from './support/operator-cli.js';
import { leaderOf, startReplica } from './support/replicas.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { pollUntil } from '../../kit/poll.js';


/** etcd's current revision, from the header of a range read through its HTTP gateway. */
async function etcdRevision(etcdUrl: string): Promise<string> {
  const res = await request(`${etcdUrl}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: 'AA==' }) });
  const body = (await res.body.json()) as { header?: { revision?: string } };
  if (!body.header?.revision) throw new Error(`etcd range: ${res.statusCode} ${JSON.stringify(body)}`);
  return body.header.revision;
}

/** Compacts etcd's history up to `revision`: a watch from any older version can no longer be served. */
async function compactEtcd(etcdUrl: string, revision: string): Promise<void> {
  const res = await request(`${etcdUrl}/v3/kv/compaction`, { method: 'POST', body: JSON.stringify({ revision, physical: true }) });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`etcd compaction: ${res.statusCode} ${text}`);
}

/** A copy of `kubeconfig` whose server is the proxy (the API server's certificate names 127.0.0.1, any port). */
function kubeconfigVia(kubeconfig: string, port: number, path: string): string {
  const doc = parse(readFileSync(kubeconfig, 'utf8')) as { clusters: { cluster: { server: string } }[] };
  for (const c of doc.clusters) c.cluster.server = `https://127.0.0.1:${port}`;
  writeFileSync(path, stringify(doc), { mode: 0o600 });
  return path;
}

async function statusPage(url: string): Promise<Map<string, StatusRow>> {
  const res = await request(`${url}/api/v1/status`);
  const body = (await res.body.json()) as { nodes: StatusRow[] };
  return new Map(body.nodes.map((r) => [r.node, r]));
}

void t.test('a node watch resumed from a compacted resourceVersion: the replica lists again and answers from what it finds', async (t) => {
  // Without the watch cache the API server serves every watch from etcd, so a resourceVersion older than the
  // compaction is refused with 410 every time. With the cache it may still serve old versions from memory,
  // and whether the replica would relist would depend on the cache's size and timing.
  const cluster = await startE2eCluster(t, { nodes: 3, apiserverArgs: ['--watch-cache=false'] });
  const { plane, nodes } = cluster;
  const [n1, n2, n3] = nodes as [FakeNode, FakeNode, FakeNode];
  const apiserver = new URL(plane.server);
  const proxy = await TcpProxy.start({ host: apiserver.hostname, port: Number(apiserver.port) });
  t.teardown(() => proxy.close());
  const viaProxy = kubeconfigVia(cluster.productKubeconfig, proxy.port, join(plane.dir, 'reboot-manager-via-proxy.kubeconfig'));
  // A long lease: the replica keeps leading through the cut, so nothing but the 410 makes it list again
  // (a new leader lists its cache again before its first decision).
  const replica = await startReplica(t, cluster, 'replica-a', ['--lease-duration', '60s'], { kubeconfig: viaProxy });
  await leaderOf([replica]);

  const z1 = zincati(replica.url, n1);
  const z2 = zincati(replica.url, n2);
  t.teardown(() => Promise.all([z1.close(), z2.close()]));
  await preRebootUntilGranted(z1);
  const full = await z2.preReboot();
  t.ok(!full.ok && full.kind === 'slots_full', `node-02 refused while node-01 holds the slot (${refusal(full)})`);

  // Cut the replica off the API server, and keep it off while the cluster changes.
  proxy.cut();
  await rebootManager(plane.adminKubeconfig, ['release', n1.name]);
  const [n4] = (await createNodes(plane.admin, ['node-04'], { index: 4 })) as [FakeNode];
  await plane.kubectl(['delete', 'node', n3.name, '--wait=true']);
  await compactEtcd(plane.etcdUrl, await etcdRevision(plane.etcdUrl));
  const during = await statusPage(replica.internalUrl);
  t.equal(during.get(n1.name)?.lock, 'Rebooting', 'while cut off, the replica still shows node-01 holding');
  t.ok(during.has(n3.name) && !during.has(n4.name), 'and the nodes as they were');
  t.ok(proxy.waiting > 0, 'the replica is trying to reach the API server again');
  t.match(readFileSync(replica.process.logFile, 'utf8'), /node watch failed; retrying/, 'it noticed its watch break');

  // The API server says so when a watch asks etcd for a compacted revision; no one has yet.
  const compactedWatches = (): number => readFileSync(plane.process('kube-apiserver')?.logFile ?? '', 'utf8').split('\n').filter((l) => l.includes('required revision has been compacted')).length;
  t.equal(compactedWatches(), 0, 'no watch has asked for a compacted revision yet');

  // Let it through: its watch resumes from a version etcd no longer has (410), so it must list again.
  proxy.resume();
  await pollUntil('the resumed watch refused as compacted', async () => compactedWatches() >= 1, { timeoutMs: 60_000 });
  await pollUntil('the status page showing the changes made during the cut', async () => {
    const rows = await statusPage(replica.internalUrl);
    return rows.get(n1.name)?.lock === 'Ready' && rows.has(n4.name) && !rows.has(n3.name);
  }, { timeoutMs: 60_000 });
  t.pass('the replica listed again: node-01 released, node-04 joined, node-03 deleted');

  // FleetLock answers that depend on those changes: the new node is known and the slot is free.
  const z4 = zincati(replica.url, n4);
  const z3 = zincati(replica.url, n3);
  t.teardown(() => Promise.all([z3.close(), z4.close()]));
  await preRebootUntilGranted(z4);
  const node4 = await plane.admin.ok<{ metadata: { annotations?: Record<string, string> } }>('GET', `/api/v1/nodes/${n4.name}`);
  t.ok(holdsSlot(node4), 'node-04, which joined during the cut, holds the slot node-01 gave back during the cut');
  const gone = await z3.preReboot();
  // Its address belongs to no Node any more: refused before its id is even looked at.
  t.ok(!gone.ok && gone.kind === 'forbidden', `the deleted node-03 speaks for nobody now (${refusal(gone)})`);
  const stillFull = await z2.preReboot();
  t.ok(!stillFull.ok && stillFull.kind === 'slots_full' && stillFull.value.includes(n4.name), `node-02 now waits on node-04 (${refusal(stillFull)})`);
});
