// Real kubectl against the simulator: get, annotate, cordon, drain with a budget, and a Forbidden answer.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { KubeSim, SimUser } from '../../src/sim/kube/index.js';
import { makeDaemonSet, makeNode, makePdb, makePod } from '../../src/sim/kube/index.js';
import { SA, simFor } from '../support/sim-helpers.js';

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function kubectlFor(sim: KubeSim, user: SimUser = 'admin') {
  const home = await mkdtemp(join(tmpdir(), 'sim-kubectl-'));
  const kubeconfig = join(home, 'config');
  await sim.writeKubeconfig(kubeconfig, user);
  return (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(KUBECTL, args, { env: { PATH: process.env.PATH ?? '', HOME: home, KUBECONFIG: kubeconfig }, timeout: 90_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
}

void t.test('kubectl get, annotate, cordon and uncordon', async (t) => {
  const sim = await simFor(t);
  sim.store.createNode(makeNode({ name: 'n1', machineID: 'a'.repeat(32), labels: { 'node-role.kubernetes.io/worker': '' } }));
  sim.store.createNode(makeNode({ name: 'n2', machineID: 'b'.repeat(32), ready: false }));
  const kubectl = await kubectlFor(sim);

  const get = await kubectl('get', 'nodes');
  t.equal(get.code, 0, get.stderr);
  t.match(get.stdout, /NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
  t.match(get.stdout, /n1\s+Ready\s+worker\s+\S+\s+v1\.32\.4/);
  t.match(get.stdout, /n2\s+NotReady\s+<none>/);

  const annotate = await kubectl('annotate', 'node', 'n1', 'rebootmanager/status=Rebooting');
  t.equal(annotate.code, 0, annotate.stderr);
  t.equal(sim.store.getNode('n1')?.metadata.annotations?.['rebootmanager/status'], 'Rebooting');

  t.equal((await kubectl('cordon', 'n1')).code, 0);
  t.equal(sim.store.getNode('n1')?.spec.unschedulable, true);
  t.match((await kubectl('get', 'node', 'n1')).stdout, /n1\s+Ready,SchedulingDisabled/);
  t.equal((await kubectl('uncordon', 'n1')).code, 0);
  t.notOk(sim.store.getNode('n1')?.spec.unschedulable);

  const jsonpath = await kubectl('get', 'node', 'n1', '-o', 'jsonpath={.status.nodeInfo.machineID}');
  t.equal(jsonpath.stdout, 'a'.repeat(32));
  t.match((await kubectl('get', 'pods', '-A')).stderr, /No resources found/);
});

void t.test('kubectl drain evicts within the budget and leaves DaemonSet pods', async (t) => {
  const sim = await simFor(t, { controllers: { replaceEvicted: true, readyDelayMs: 20 } });
  for (const n of ['n1', 'n2', 'n3']) sim.store.createNode(makeNode({ name: n, machineID: n.repeat(16).slice(0, 32) }));
  sim.store.createDaemonSet(makeDaemonSet('kube-system', 'agent'));
  sim.store.createPod(makePod({ namespace: 'kube-system', name: 'agent-n1', nodeName: 'n1', owner: { kind: 'DaemonSet', name: 'agent' } }));
  for (const [i, node] of [[1, 'n1'], [2, 'n1'], [3, 'n2']] as const) {
    sim.store.createPod(makePod({ namespace: 'default', name: `web-${i}`, nodeName: node, owner: { kind: 'ReplicaSet', name: 'web-7d9f' }, labels: { app: 'web' }, emptyDir: i === 1 }));
  }
  sim.store.createPdb(makePdb({ namespace: 'default', name: 'web', selector: { app: 'web' }, minAvailable: 2 }));
  const kubectl = await kubectlFor(sim);

  const drain = await kubectl('drain', 'n1', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=60s');
  t.equal(drain.code, 0, drain.stderr);
  t.match(drain.stdout, /node\/n1 drained/);
  t.match(drain.stderr, /ignoring DaemonSet-managed Pods: kube-system\/agent-n1/);
  t.match(drain.stderr, /Cannot evict pod as it would violate the pod's disruption budget/, 'the budget held one eviction back');
  t.equal(sim.store.getNode('n1')?.spec.unschedulable, true, 'drain cordons');
  t.same(sim.store.listPods({ nodeName: 'n1' }).map((p) => p.metadata.name), ['agent-n1'], 'only the DaemonSet pod is left');
  t.equal(sim.requests.count({ subresource: 'eviction', status: 201 }), 2);
  t.ok(sim.requests.count({ subresource: 'eviction', status: 429 }) >= 1);
  t.equal(sim.store.listPods({ namespace: 'default', labelSelector: 'app=web' }).filter((p) => p.status.phase === 'Running').length, 3, 'replacements run elsewhere');
});

void t.test('kubectl as the service account gets a Forbidden', async (t) => {
  const sim = await simFor(t);
  sim.store.createNode(makeNode({ name: 'n1', machineID: 'a'.repeat(32) }));
  const kubectl = await kubectlFor(sim, SA);
  t.equal((await kubectl('get', 'nodes')).code, 0, 'list is granted');
  const del = await kubectl('delete', 'node', 'n1');
  t.not(del.code, 0);
  t.match(del.stderr, 'Error from server (Forbidden): nodes "n1" is forbidden: User "system:serviceaccount:reboot-manager:reboot-manager" cannot delete resource "nodes" in API group "" at the cluster scope');
  t.ok(sim.store.getNode('n1'));
});
