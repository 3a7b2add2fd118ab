// Nodes listed in natural order wherever they are listed: the status API, the page and `reboot-manager status`;
// at 5,000 nodes too.
import { pino } from 'pino';
import t from 'tap';
import { parseServeConfig } from '../../src/config/serve.js';
import { startServer } from '../../src/server.js';
import { machineIdFor, makeNode, startKubeSim } from '../../src/sim/kube/index.js';
import { StatusService, type StatusSnapshot } from '../../src/status/snapshot.js';
import { dumpDom, requireChromium } from '../support/chromium.js';
import { cli } from '../support/cli.js';
import { SERVICE_ACCOUNT } from '../support/cluster.js';
import { policyViews } from '../support/policy-views.js';
import { getStatus, startPageServer } from '../support/status-cluster.js';

// Created in this order on purpose: neither creation nor code-unit order is the one wanted.
const NAMES = ['node-10', 'node-2', 'node-100', 'node-1', 'node-9', 'node-20'];
const HOLDERS = new Set(['node-20', 'node-9']);
const WANTED = ['node-9', 'node-20', 'node-1', 'node-2', 'node-10', 'node-100'];

const rowNames = (dom: string, table: string): string[] => {
  const body = new RegExp(`<table id="${table}"[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`).exec(dom)?.[1] ?? '';
  return [...body.matchAll(/<th class="node">([^<]*)<\/th>/g)].map((m) => m[1] ?? '');
};

void t.test('holders, then every other node, by name in natural order: API, page, CLI from the API and from the server', async (t) => {
  await requireChromium();
  const sim = await startKubeSim();
  t.teardown(() => sim.close());
  NAMES.forEach((name, i) => {
    const annotations: Record<string, string> = HOLDERS.has(name) ? { 'rebootmanager/status': 'Rebooting', 'rebootmanager/group': 'default', 'rebootmanager/phase': 'claimed', 'rebootmanager/claimed-at': new Date().toISOString() } : {};
    sim.store.createNode(makeNode({ name, machineID: machineIdFor(i + 1), annotations }));
  });
  // Another replica holds the Lease: ours is a follower and changes nothing while we read.
  sim.store.create('leases', {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { namespace: 'reboot-manager', name: 'reboot-manager' },
    spec: { holderIdentity: 'elsewhere', leaseDurationSeconds: 3600, renewTime: new Date().toISOString(), acquireTime: new Date().toISOString() },
  });
  const dir = t.testdir();
  await sim.writeKubeconfig(`${dir}/admin`, 'admin');
  await sim.writeKubeconfig(`${dir}/server`, SERVICE_ACCOUNT);
  const server = await startServer(parseServeConfig(['--listen', '127.0.0.1:0', '--kubeconfig', `${dir}/server`, '--identity', 'replica-0'], {}), { logger: pino({ level: 'silent' }) });
  t.teardown(() => server.close());
  await server.nodes.whenSynced();

  t.same((await getStatus(server)).body.nodes.map((r) => r.node), WANTED, 'GET /api/v1/status');

  const dom = await dumpDom(server.internalUrl);
  t.same([...rowNames(dom, 'holders'), ...rowNames(dom, 'others')], WANTED, 'the page');

  const names = (stdout: string): string[] => (stdout.split('\n\n')[0] ?? '').trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0] ?? '');
  const fromApi = await cli(`${dir}/admin`, 'status');
  t.equal(fromApi.code, 0, fromApi.stderr);
  t.same(names(fromApi.stdout), WANTED, 'reboot-manager status');
  const fromServer = await cli(`${dir}/admin`, 'status', '--server', server.internalUrl);
  t.equal(fromServer.code, 0, fromServer.stderr);
  t.same(names(fromServer.stdout), WANTED, 'reboot-manager status --server');
});

void t.test('5,000 nodes: the API answers every row and the page lists every one, in natural order', async (t) => {
  await requireChromium();
  const names = Array.from({ length: 5000 }, (_, i) => `node-${i + 1}`);
  // Created shuffled (a fixed stride through the names), so no order comes for free.
  const created = names.map((_, i) => names[(i * 2417) % names.length] ?? '');
  const nodes = created.map((name) => ({ name, uid: name, resourceVersion: '1', machineId: '', bootId: 'b', ready: true, heartbeat: '', unschedulable: false, addresses: [], annotations: {}, labels: {}, readySince: 0, lifecycle: {} }));
  const service = new StatusService({
    nodes: { values: () => nodes.values(), synced: true, lastRelease: () => undefined },
    requests: { values: () => [] },
    budget: () => ({ maxTotal: 1, defaultPerGroup: 1, perGroup: new Map(), urgentGroups: new Set() }),
    policy: policyViews(),
    identity: 'replica-0',
    isLeader: () => true,
    clock: { now: () => Date.now() },
  });
  const origin = await startPageServer(t, service);
  const res = await fetch(`${origin}/api/v1/status`);
  t.equal(res.status, 200);
  t.same(((await res.json()) as StatusSnapshot).nodes.map((r) => r.node), names, 'GET /api/v1/status: 5,000 rows, node-1 to node-5000');
  t.same(rowNames(await dumpDom(`${origin}/`), 'others'), names, 'the page: 5,000 rows, node-1 to node-5000');
});
