// `reboot-manager maintain NODE` and `done NODE` without a server: what is created, what is printed, what is refused.
import t from 'tap';
import { parseMaintainConfig } from '../../src/config/operator.js';
import { startKubeSim, type KubeSim } from '../../src/sim/kube/index.js';
import { adminKubeconfig, cli } from '../support/cli.js';
import { requestOf, type RequestObject } from '../support/requests.js';

const requests = (sim: KubeSim): RequestObject[] => sim.store.list('maintenancerequests') as unknown as RequestObject[];

void t.test('without --wait: the request is created as asked, the command says how to follow it and exits; done completes it', async (t) => {
  const sim = await startKubeSim();
  t.teardown(() => sim.close());
  const kubeconfig = await adminKubeconfig(t, sim);

  const made = await cli(kubeconfig, 'maintain', 'node-03', '--reason', 'replace disk sdb');
  t.equal(made.code, 0, made.stderr);
  const [first] = requests(sim);
  const name = first?.metadata.name ?? '';
  t.match(name, /^node-03-[a-z0-9]{5}$/, 'named after the node, with a random suffix');
  t.same(first?.spec, { nodeName: 'node-03', reason: 'replace disk sdb', requester: 'admin', drain: true, group: 'default', startWithinSeconds: 3600, finishWithinSeconds: 14_400, state: 'Requested' }, 'the requester is the kubeconfig user');
  t.equal(
    made.stdout,
    [
      `created MaintenanceRequest ${name} for node node-03`,
      `follow it:  kubectl get mr ${name} -w`,
      `wait for it:  kubectl wait --for=condition=Approved mr/${name} --timeout=-1s`,
      `once approved, start within 1h (kubectl patch mr ${name} --type merge -p '{"spec":{"state":"InProgress"}}'), then: reboot-manager done node-03`,
      '',
    ].join('\n'),
  );

  const named = await cli(kubeconfig, 'maintain', 'node-02', '--reason', 'firmware', '--no-drain', '--group', 'maintenance', '--start-within', '10m', '--finish-within', '1h30m', '--requester', 'fw-tool', '--name', 'fw-node-02');
  t.equal(named.code, 0, named.stderr);
  t.same(requestOf(sim, 'fw-node-02')?.spec, { nodeName: 'node-02', reason: 'firmware', requester: 'fw-tool', drain: false, group: 'maintenance', startWithinSeconds: 600, finishWithinSeconds: 5400, state: 'Requested' }, 'every flag lands in the spec');
  const again = await cli(kubeconfig, 'maintain', 'node-02', '--reason', 'firmware', '--name', 'fw-node-02');
  t.same(again, { code: 1, stdout: '', stderr: 'reboot-manager: a MaintenanceRequest named fw-node-02 exists already: choose another --name, or leave it out\n' });

  const finished = await cli(kubeconfig, 'done', 'node-03');
  t.equal(finished.code, 0, finished.stderr);
  t.equal(finished.stdout, `completed MaintenanceRequest ${name} before it was approved: it ends, and anything it took of node node-03 is given back\n`);
  t.equal(requestOf(sim, name)?.spec.state, 'Completed');
  const twice = await cli(kubeconfig, 'done', 'node-03');
  t.match(twice, { code: 0, stdout: new RegExp(`^MaintenanceRequest ${name} was completed already`) }, 'done again changes nothing');
  t.equal(requests(sim).length, 2, 'nothing else was created');
});

void t.test('bad usage: exit 2 with a clear error, and nothing created', async (t) => {
  const sim = await startKubeSim();
  t.teardown(() => sim.close());
  const kubeconfig = await adminKubeconfig(t, sim);
  const noReason = await cli(kubeconfig, 'maintain', 'node-01');
  t.same({ code: noReason.code, stderr: noReason.stderr }, { code: 2, stderr: 'reboot-manager: maintain needs --reason TEXT: say why the node goes out of service (people read it on the status page and in Events)\n' });
  const badNode = await cli(kubeconfig, 'done', 'Node_1');
  t.equal(badNode.code, 2);
  t.match(badNode.stderr, /^reboot-manager: invalid node name "Node_1": must be a DNS subdomain/);
  t.same(requests(sim), [], 'nothing was created');
  t.equal(sim.requests.count({}), 0, 'not one API call');

  // The rest through the parser the command runs (each spawn costs seconds on a busy machine).
  const usage: [string[], RegExp][] = [
    [[], /^maintain needs a node name: reboot-manager maintain NODE --reason TEXT$/],
    [['--reason', 'x'], /^maintain needs a node name/],
    [['node-01', '--reason', ''], /^invalid --reason "": must not be empty$/],
    [['node-01', '--reason', 'x'.repeat(1025)], /^--reason must be at most 1024 characters, got 1025$/],
    [['node-01', '--reason', 'two\nlines'], /^--reason must be one line without control characters$/],
    [['node-01', '--reason', 'x', '--requester', 'r'.repeat(254)], /^--requester must be at most 253 characters, got 254$/],
    [['node-01', '--reason', 'x', '--group', 'a b'], /^invalid --group "a b": a FleetLock group may contain only letters, digits/],
    [['node-01', '--reason', 'x', '--start-within', '0'], /^invalid --start-within "0": must be from 1s to 168h$/],
    [['node-01', '--reason', 'x', '--finish-within', '169h'], /^invalid --finish-within "169h": must be from 1s to 168h$/],
    [['node-01', '--reason', 'x', '--finish-within', '1500ms'], /^invalid --finish-within "1500ms": must be whole seconds$/],
    [['node-01', '--reason', 'x', '--start-within', 'soon'], /^invalid --start-within "soon": not a duration/],
    [['node-01', '--reason', 'x', '--name', 'Disk!'], /^invalid --name "Disk!": must be a DNS subdomain/],
    [['node-01', '--reason', 'x', '--drain'], /^unknown option --drain/],
    [['node-01', 'node-02', '--reason', 'x'], /^unexpected argument "node-02"/],
  ];
  for (const [args, message] of usage) t.throws(() => parseMaintainConfig(args, {}), { name: 'ConfigError', message }, args.join(' ').slice(0, 50));
  t.match(parseMaintainConfig(['node-01', '--reason', 'é'.repeat(1024), '--start-within', '168h', '--finish-within', '1s'], {}), { startWithin: 604_800, finishWithin: 1, noDrain: false, wait: false }, 'exactly the limits');
});
