// Early approval (StartRequests): opt-in, only after the grant, only for our own VM unless configured.
import t from 'tap';
import { DRAINING, GRANT, type LockAnswer } from '../support/fake-fleetlock.js';
import { OUR_VM, RETRY_MS, agentRig } from '../support/agent-rig.js';

const refuseTimes = (n: number) => (req: { endpoint: string }): LockAnswer => (req.endpoint === 'pre-reboot' && n-- > 0 ? DRAINING : GRANT);

void t.test('without --approve the agent never approves: the event waits for NotBefore', async (t) => {
  const rig = await agentRig(t);
  rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  await rig.tick();
  await rig.tick();
  t.equal(rig.agent.status().phase, 'granted');
  t.same(rig.sim.approvals, []);
});

void t.test('with --approve the approval goes out only after the server granted the slot', async (t) => {
  const rig = await agentRig(t, { args: ['--approve'] });
  rig.lock.answer = refuseTimes(2);
  const id = rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  const lockAnswersAtApproval: number[] = [];
  rig.sim.subscribe((n) => n.type === 'approval' && lockAnswersAtApproval.push(rig.lock.preReboots().length));
  await rig.tick();
  rig.clock.advance(RETRY_MS);
  await rig.tick();
  t.same(rig.sim.approvals, [], 'still draining: no approval');
  rig.clock.advance(RETRY_MS);
  await rig.tick();
  t.same(rig.sim.approvals, [{ vm: OUR_VM, eventIds: [id] }]);
  t.equal(rig.sim.document().Events[0]?.EventStatus, 'Started', 'the platform went ahead');
  t.same(lockAnswersAtApproval, [3], 'approved after the third pre-reboot, the granted one');
  t.equal(rig.agent.stats.approvals, 1);
  t.same(rig.agent.stats.approvalLatencyMs, { count: 1, sum: 2 * RETRY_MS, max: 2 * RETRY_MS }, 'from first sight to approval, on the agent clock');
  await rig.tick();
  t.equal(rig.sim.approvals.length, 1, 'approved once');
});

void t.test('an event that also lists other VMs is not approved unless --approve-shared', async (t) => {
  const rig = await agentRig(t, { args: ['--approve'] });
  const id = rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM, 'vmss_2'] });
  await rig.tick();
  await rig.tick();
  t.equal(rig.agent.status().phase, 'granted');
  t.same(rig.sim.approvals, []);
  t.equal(rig.logs.filter((l) => l.eventId === id && /not approving early/.test(l.msg)).length, 1, 'said why, once');

  const shared = await agentRig(t, { args: ['--approve', '--approve-shared'] });
  const id2 = shared.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM, 'vmss_2'] });
  await shared.tick();
  t.same(shared.sim.approvals, [{ vm: OUR_VM, eventIds: [id2] }]);
});

void t.test('a failed approval is counted and retried', async (t) => {
  const rig = await agentRig(t, { args: ['--approve'] });
  rig.lock.answer = refuseTimes(1);
  const id = rig.sim.schedule({ eventType: 'Terminate', resources: [OUR_VM] });
  await rig.tick();
  // The next poll succeeds, then the approval POST meets a 400.
  rig.sim.subscribe((n) => {
    if (n.type === 'answered' && n.request.method === 'GET' && rig.sim.approvals.length === 0 && rig.agent.stats.approvalFailures === 0) rig.sim.faults.failNext(400);
  });
  rig.clock.advance(RETRY_MS);
  await rig.tick();
  t.equal(rig.agent.stats.approvalFailures, 1);
  t.same(rig.sim.approvals, []);
  await rig.tick();
  t.same(rig.sim.approvals, [{ vm: OUR_VM, eventIds: [id] }]);
});
