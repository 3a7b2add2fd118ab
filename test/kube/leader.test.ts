// Leader election on a virtual clock: acquisition, the renew deadline before anyone may take over, handing the Lease back.
import t, { type Test } from 'tap';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { KubeError } from '../../src/kube/errors.js';
import { LeaderElector, apiLeaseStore } from '../../src/kube/leader.js';
import { runUntil } from '../../src/sim/dst/drive.js';
import { createMemoryCluster, type ApiFaults } from '../../src/sim/kube/memory-api.js';

const LEASE = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

function setUp(t: Test) {
  const clock = new VirtualClock();
  const cluster = createMemoryCluster({ clock });
  t.teardown(() => cluster.close());
  let failing = false;
  const faults: ApiFaults = {
    onCall: () => (failing ? { kind: 'fail', error: new KubeError('unavailable', 'injected', { status: 503 }) } : { kind: 'none' }),
    onWatchEvent: () => ({ delayMs: 0 }),
  };
  const changes: string[] = [];
  const elector = (identity: string, withFaults = false) => {
    const e = new LeaderElector({ store: apiLeaseStore(cluster.api(withFaults ? { faults } : {}), 'reboot-manager', 'rm'), clock, identity, ...LEASE, onChange: (leading) => changes.push(`${identity} ${leading ? 'leads' : 'follows'}`) });
    e.start();
    // Not stopped at the end: a stop waits on the virtual clock, which stops with the test.
    return e;
  };
  const lease = () => cluster.store.get('leases', 'reboot-manager', 'rm') as { spec: { holderIdentity: string; leaseTransitions: number } } | undefined;
  return { clock, elector, lease, changes, fail: (on: boolean) => (failing = on), until: (done: () => boolean, ms = 120_000) => runUntil(clock, done, ms) };
}

void t.test('the first replica takes the Lease; the second waits as long as it is renewed', async (t) => {
  const s = setUp(t);
  const a = s.elector('a');
  t.ok(await s.until(() => a.isLeader()));
  const b = s.elector('b');
  t.notOk(await s.until(() => b.isLeader(), 60_000), 'b never leads while a renews');
  t.equal(s.lease()?.spec.holderIdentity, 'a');
  t.same(s.changes, ['a leads']);
});

void t.test('a leader whose renewals fail stops deciding before anyone may take over', async (t) => {
  const s = setUp(t);
  const a = s.elector('a', true);
  t.ok(await s.until(() => a.isLeader()));
  const b = s.elector('b');
  await s.until(() => false, 4_000);
  s.fail(true);
  const failedAt = s.clock.now();
  t.ok(await s.until(() => !a.isLeader()), 'a steps down');
  const steppedDown = s.clock.now();
  t.ok(await s.until(() => b.isLeader()), 'b takes over');
  t.ok(steppedDown - failedAt <= LEASE.renewDeadlineMs, 'within the renew deadline of its last renewal');
  t.ok(s.clock.now() > steppedDown, 'and b only after a stopped');
  t.equal(s.lease()?.spec.leaseTransitions, 1, 'one transition recorded');
});

void t.test('stop hands the Lease back so another replica takes over at once', async (t) => {
  const s = setUp(t);
  const a = s.elector('a');
  t.ok(await s.until(() => a.isLeader()));
  const b = s.elector('b');
  await s.until(() => false, 4_000);
  let stopped = false;
  void a.stop().then(() => (stopped = true));
  t.ok(await s.until(() => stopped));
  t.notOk(a.isLeader());
  const stoppedAt = s.clock.now();
  t.ok(await s.until(() => b.isLeader()));
  t.ok(s.clock.now() - stoppedAt < LEASE.leaseDurationMs, 'sooner than a whole lease duration');
});
