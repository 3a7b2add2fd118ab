// The server applying a RebootPolicy on a real API server: `pause` and `resume` from the CLI, the status subresource it
// writes, and an edit the API server accepts but the server cannot use (a time zone that does not exist) rejected
// with the field named, while the last good policy stays in force.
import t from 'tap';
import type { FakeNode } from '../../kit/nodes.js';
import { pollUntil } from '../../kit/poll.js';
import { startE2eCluster } from './support/e2e-cluster.js';
import { preRebootUntilGranted, refusal, zincati } from './support/fleetlock.js';
import { metric } from './support/metrics.js';
import { rebootManager } from './support/operator-cli.js';
import { leaderOf, startReplica } from './support/replicas.js';

interface Accepted {
  readonly status: string;
  readonly message: string;
}

void t.test('pause, a rejected edit and resume, applied by the server on a real API server', async (t) => {
  const cluster = await startE2eCluster(t, { nodes: 2 });
  const { plane } = cluster;
  const [n1] = cluster.nodes as [FakeNode, FakeNode];
  const replica = await startReplica(t, cluster, 'replica-a');
  await leaderOf([replica]);
  const operator = (args: readonly string[]): Promise<string> => rebootManager(plane.adminKubeconfig, args);
  /** The Accepted condition once the server has judged the object's latest generation. */
  const judged = (): Promise<Accepted> =>
    pollUntil('the server to judge the latest RebootPolicy generation', async () => {
      const r = await plane.kubectl(['get', 'rebootpolicy', 'default', '-o', 'json']);
      const o = JSON.parse(r.stdout) as { metadata: { generation: number }; status?: { observedGeneration?: number; conditions?: { type: string; status: string; message: string }[] } };
      const c = o.status?.conditions?.find((x) => x.type === 'Accepted');
      return o.status?.observedGeneration === o.metadata.generation && c ? { status: c.status, message: c.message } : undefined;
    });
  const z1 = zincati(replica.url, n1);
  t.teardown(() => z1.close());

  t.match(await operator(['pause', '--reason', 'kernel regression', '--by', 'alice']), /paused/i, 'pause says so');
  t.equal((await judged()).status, 'True', 'the server accepted the paused policy and wrote its status');
  const paused = await z1.preReboot();
  t.match(refusal(paused), /^423 blocked: pause: new reboots are paused by alice.*kernel regression/, 'a pre-reboot is refused, naming who paused and why');

  // The CRD cannot check time zones: the API server stores the edit, and the server rejects it.
  const patch = { spec: { windows: [{ days: ['Mon'], start: '01:00', end: '02:00', timeZone: 'Mars/Olympus' }] } };
  await plane.kubectl(['patch', 'rebootpolicy', 'default', '--type', 'merge', '-p', JSON.stringify(patch)]);
  const rejected = await judged();
  t.equal(rejected.status, 'False', 'the edit is rejected');
  t.match(rejected.message, /spec\.windows\[0\]\.timeZone/, 'naming the field');
  const events = await pollUntil('a PolicyRejected Event', async () => {
    const r = await plane.kubectl(['get', 'events', '-A', '--field-selector', 'involvedObject.kind=RebootPolicy,reason=PolicyRejected', '-o', 'jsonpath={.items[*].type}']);
    return r.stdout.trim() || undefined;
  });
  t.match(events, /Warning/, 'a Warning Event on the policy');
  t.equal(await metric(`${replica.internalUrl}/metrics`, 'reboot_manager_policy_accepted'), 0, 'reboot_manager_policy_accepted 0');
  t.match(refusal(await z1.preReboot()), /^423 blocked: pause: /, 'the last good policy, paused, stays in force');

  await plane.kubectl(['patch', 'rebootpolicy', 'default', '--type', 'json', '-p', '[{"op":"remove","path":"/spec/windows"}]']);
  t.equal((await judged()).status, 'True', 'the edit undone is accepted');
  t.match(await operator(['resume']), /resumed/i, 'resume says so');
  t.equal((await judged()).status, 'True');
  await preRebootUntilGranted(z1);
  t.pass('node-01 is granted once resumed');
  t.equal(await metric(`${replica.internalUrl}/metrics`, 'reboot_manager_policy_accepted'), 1, 'reboot_manager_policy_accepted 1');
});
