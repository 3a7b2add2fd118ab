// Three replicas on a real Lease; the leader is SIGKILLed in the middle of a drain and another finishes it.
import t from 'tap';
import { FleetLockClient } from '../../src/fleetlock/client.js';
import { zincatiId } from '../../src/identity/app-specific-id.js';
import { holdsSlot } from '../../src/sim/fleet/holder-watch.js';
import { Annotation, slotOf } from '../../src/slot/encoding.js';
import { NAMESPACE, startE2eCluster } from './support/e2e-cluster.js';
import { blockedDrain, setWebBudget } from './support/blocked-drain.js';
import { leaderOf, startReplica } from './support/replicas.js';
import { startService } from './support/service.js';
import { podsThatMustLeave, workloadsHealthy } from './support/workloads.js';
import { pollUntil } from '../../kit/poll.js';

interface Lease {
  spec: { holderIdentity?: string; leaseTransitions?: number };
}

void t.test('the leader dies mid-drain: another replica takes the Lease and finishes the drain, one holder throughout', async (t) => {
  const cluster = await startE2eCluster(t, { nodes: 4 });
  const { plane } = cluster;
  const admin = plane.admin;
  // No web pod may leave until the test says so: the drain stops half-way, blocked by the web budget.
  const { target, feed, holders } = await blockedDrain(t, cluster);

  const replicas = [await startReplica(t, cluster, 'replica-a'), await startReplica(t, cluster, 'replica-b'), await startReplica(t, cluster, 'replica-c')];
  const first = await leaderOf(replicas);
  const service = await startService(t, replicas);
  const zincati = new FleetLockClient({ baseUrl: service.url, id: zincatiId(target.machineId), group: 'default', timeoutMs: 10_000, localAddress: target.address });
  t.teardown(() => zincati.close());

  const refused = await zincati.preReboot();
  t.match(refused, { ok: false, status: 423 }, 'the first pre-reboot is refused while the node drains');
  const blocked = await feed.until(target.name, (n) => (slotOf({ annotations: n.metadata.annotations ?? {} })?.drain?.blockers.length ?? 0) > 0);
  t.match(blocked.metadata.annotations?.[Annotation.drain], /PodDisruptionBudget/, 'the drain is stuck on the web budget, as the node annotation says');
  t.equal(blocked.spec.unschedulable, true, 'the node is cordoned');

  const before = await admin.ok<Lease>('GET', `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases/reboot-manager`);
  t.equal(before.spec.holderIdentity, first.identity, 'the Lease names the replica whose /readyz says it leads');
  first.process.signal('KILL');
  await first.process.exited;
  const rest = replicas.filter((r) => r !== first);
  const second = await leaderOf(rest);
  const after = await admin.ok<Lease>('GET', `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases/reboot-manager`);
  t.equal(after.spec.holderIdentity, second.identity, 'a surviving replica holds the Lease');
  t.equal(after.spec.leaseTransitions, (before.spec.leaseTransitions ?? 0) + 1, 'the Lease records one transition');

  // The budget allows one disruption again: the new leader resumes the drain it did not start.
  await setWebBudget(admin, 1);
  let granted = await zincati.preReboot();
  for (let tries = 1; !granted.ok; tries += 1) {
    if (tries > 50) throw new Error(`still refused after ${tries} pre-reboots: ${JSON.stringify(granted)}`);
    t.equal(granted.status, 423, `refusals while draining are 423 (${granted.ok ? '' : granted.kind})`);
    // The drain's end is written as progress; the phase becomes `drained` when Zincati next asks.
    await feed.until(target.name, (n) => slotOf({ annotations: n.metadata.annotations ?? {} })?.drain?.done === 'drained' || !holdsSlot(n));
    granted = await zincati.preReboot();
  }
  t.same(await podsThatMustLeave(admin, target.name), [], 'granted only once the node is drained');
  t.ok(service.servedBy.includes(second.identity), 'the new leader answered through the Service');

  await cluster.reboots.powerOff(target.name);
  await cluster.reboots.powerOn(target.name);
  t.match(await zincati.steadyState(), { ok: true }, 'steady-state after the reboot is 200');
  const released = await feed.until(target.name, (n) => !holdsSlot(n));
  t.notOk(released.spec.unschedulable, 'the new leader uncordons the node the old one cordoned');
  t.equal(holders.max, 1, 'one node held a slot at a time, across the failover');
  await pollUntil('the applications whole again', () => workloadsHealthy(admin));
  t.same(feed.errors, [], 'the node watch saw every change');
});
