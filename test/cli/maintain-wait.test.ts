// `reboot-manager maintain NODE --wait` and `done NODE` against a running server: approval, rejection, Ctrl-C.
import t from 'tap';
import { adminKubeconfig, cli, startCli } from '../support/cli.js';
import { granted, rebootAndWaitForRelease, startDrainCluster } from '../support/drain-cluster.js';
import { createRequest, phaseOf, requestOf, setState } from '../support/requests.js';

void t.test('--wait shows each pending reason until approved, then starts the work; done gives the node back', async (t) => {
  const c = await startDrainCluster(t);
  const kubeconfig = await adminKubeconfig(t, c.sim);
  t.equal((await granted(c, 'node-01')).ok, true, 'Zincati on node-01 holds the only slot');

  const waiting = startCli(kubeconfig, 'maintain', 'node-02', '--reason', 'replace disk sdb', '--wait', '--name', 'disk');
  await waiting.printed(/Pending\s+slots_full: .*node-01/);
  t.equal(requestOf(c.sim, 'disk')?.spec.state, 'Requested', 'not started while pending');
  await rebootAndWaitForRelease(c, 'node-01');
  const result = await waiting.exited;
  t.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  t.equal(lines[0], 'created MaintenanceRequest disk for node node-02; waiting for approval (Ctrl-C stops waiting and leaves the request as it is)');
  t.match(lines[1], /^\d\d:\d\d:\d\d {2}Pending {4}slots_full: /);
  t.match(lines.at(-4), /^\d\d:\d\d:\d\d {2}Approved {3}approved: node node-02 is yours until \S+ to start/);
  t.same(lines.slice(-3), [
    'approved: node node-02 is drained and yours',
    'started: spec.state is InProgress; finish within 4h, or the request is reported overrun',
    "when finished: reboot-manager done node-02 (the node's slot is given back once it is Ready)",
  ]);
  t.equal(requestOf(c.sim, 'disk')?.spec.state, 'InProgress');
  await phaseOf(c.sim, 'disk', 'InProgress');
  t.equal(c.sim.store.getNode('node-02')?.spec.unschedulable, true, 'drained (cordoned) before approval');

  const finished = await cli(kubeconfig, 'done', 'node-02');
  t.equal(finished.stdout, 'completed MaintenanceRequest disk: the slot of node node-02 is given back once the node is Ready (kubectl get mr disk -w)\n');
  await phaseOf(c.sim, 'disk', 'InProgress', /given back once node node-02 is Ready/);
  t.equal(c.holders().length, 1, 'a Ready posted before "done" is no proof the node is back: kept');
  c.sim.store.postNodeStatus('node-02');
  await phaseOf(c.sim, 'disk', 'Completed');
  t.same(c.holders(), [], 'the slot is back once the kubelet posts Ready again');
  t.equal(c.sim.store.getNode('node-02')?.spec.unschedulable, undefined, 'and our cordon lifted');
});

void t.test('--wait on a request the server rejects, done with no live request, and Ctrl-C while waiting', async (t) => {
  const c = await startDrainCluster(t);
  const kubeconfig = await adminKubeconfig(t, c.sim);
  const rejected = await cli(kubeconfig, 'maintain', 'node-99', '--reason', 'x', '--wait', '--name', 'ghost');
  t.equal(rejected.code, 1);
  t.equal(rejected.stderr, 'reboot-manager: MaintenanceRequest ghost Rejected: node node-99 does not exist\n');
  t.match(rejected.stdout, /Rejected {3}node node-99 does not exist\n$/, 'the rejection is shown as progress too');

  const none = await cli(kubeconfig, 'done', 'node-99');
  t.same({ code: none.code, stderr: none.stderr }, { code: 1, stderr: 'reboot-manager: no live MaintenanceRequest for node node-99 (kubectl get mr lists them; Completed, Expired and Rejected ones are over)\n' }, 'a Rejected request is not live');

  t.equal((await granted(c, 'node-01')).ok, true);
  const waiting = startCli(kubeconfig, 'maintain', 'node-02', '--reason', 'x', '--wait', '--name', 'patient');
  await waiting.printed(/Pending\s+slots_full/);
  waiting.signal('SIGINT');
  const stopped = await waiting.exited;
  t.equal(stopped.code, 130);
  t.match(stopped.stdout, /stopped waiting: MaintenanceRequest patient is left as it is \(Pending\)\nfollow it: kubectl get mr patient -w; withdraw it: kubectl delete mr patient\n$/);
  t.match(requestOf(c.sim, 'patient'), { spec: { state: 'Requested' }, status: { phase: 'Pending' } }, 'the request is left as it was');

  createRequest(c.sim, 'late', { nodeName: 'node-03', startWithinSeconds: 1 });
  await phaseOf(c.sim, 'late', 'Pending');
  setState(c.sim, 'late', 'Completed');
  await phaseOf(c.sim, 'late', 'Completed');
  const over = await cli(kubeconfig, 'done', 'node-03');
  t.equal(over.code, 1, 'a Completed request is over');
});
