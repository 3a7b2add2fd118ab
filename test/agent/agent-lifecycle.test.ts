// Asking until granted, stopping when the event starts, giving the slot back when it is gone.
import t from 'tap';
import { DRAINING, GRANT, SLOTS_FULL, type LockAnswer } from '../support/fake-fleetlock.js';
import { OUR_VM, RETRY_MS, agentRig } from '../support/agent-rig.js';

/** Answers pre-reboot from a script (the last answer repeats); steady-state 200. */
function script(...answers: LockAnswer[]) {
  let i = 0;
  return (req: { endpoint: string }): LockAnswer => (req.endpoint === 'pre-reboot' ? (answers[Math.min(i++, answers.length - 1)] ?? GRANT) : GRANT);
}

void t.test('a refused pre-reboot is asked again every retry interval until granted, then no more', async (t) => {
  const rig = await agentRig(t);
  rig.lock.answer = script(SLOTS_FULL, DRAINING, GRANT);
  rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  await rig.tick();
  t.equal(rig.lock.preReboots().length, 1);
  await rig.tick();
  t.equal(rig.lock.preReboots().length, 1, 'polling again does not ask again before the retry interval');
  t.equal(rig.agent.status().phase, 'asking');
  rig.clock.advance(RETRY_MS);
  await rig.tick();
  t.equal(rig.lock.preReboots().length, 2);
  rig.clock.advance(RETRY_MS);
  await rig.tick();
  t.equal(rig.lock.preReboots().length, 3);
  t.equal(rig.agent.status().phase, 'granted');
  rig.clock.advance(RETRY_MS * 10);
  await rig.tick();
  t.equal(rig.lock.preReboots().length, 3, 'holding the slot: nothing more to ask');
  t.same(rig.lock.steadyStates(), [], 'the event is still pending');
  t.same(rig.agent.stats.lockRefusals, { slots_full: 1, draining: 1 });
  t.equal(rig.agent.stats.grants, 1);
  t.ok(rig.logs.some((l) => l.kind === 'draining' && l.value === 'evicting 3 pods'), 'the refusal text is logged');
});

void t.test('an event cancelled before the grant: steady-state withdraws the claim, no more pre-reboot', async (t) => {
  const rig = await agentRig(t);
  rig.lock.answer = script(DRAINING);
  const id = rig.sim.schedule({ eventType: 'Redeploy', resources: [OUR_VM] });
  await rig.tick();
  rig.sim.cancel(id);
  rig.clock.advance(RETRY_MS);
  await rig.tick();
  for (let i = 0; i < 3; i++) {
    rig.clock.advance(RETRY_MS);
    await rig.tick();
  }
  t.same(rig.lock.requests.map((r) => r.endpoint), ['pre-reboot', 'steady-state']);
  t.equal(rig.agent.status().phase, 'idle');
});

void t.test('after the grant, steady-state once the event has left the document', async (t) => {
  const rig = await agentRig(t);
  const id = rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  await rig.tick();
  rig.sim.start(id);
  await rig.tick();
  t.same(rig.lock.steadyStates(), [], 'not while the event runs');
  rig.sim.complete(id);
  await rig.tick();
  rig.clock.advance(RETRY_MS);
  await rig.tick();
  t.same(rig.lock.requests.map((r) => `${r.endpoint} ${r.group}`), ['pre-reboot azure', 'steady-state azure']);
  t.equal(rig.agent.stats.steadyStateDone, 1);
});

void t.test('steady-state is sent again until it gets a 2xx', async (t) => {
  const rig = await agentRig(t);
  let failures = 2;
  rig.lock.answer = (req) => (req.endpoint === 'steady-state' && failures-- > 0 ? { status: 503, kind: 'not_leader', value: 'follower' } : GRANT);
  const id = rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  await rig.tick();
  rig.sim.complete(id);
  for (let i = 0; i < 5; i++) {
    await rig.tick();
    rig.clock.advance(RETRY_MS);
  }
  t.equal(rig.lock.steadyStates().length, 3);
  t.equal(rig.agent.status().phase, 'idle');
  t.same(rig.agent.stats.lockRefusals, { not_leader: 2 });
});

void t.test('"healthy again" needs IMDS to answer: no steady-state while it fails', async (t) => {
  const rig = await agentRig(t);
  const id = rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  await rig.tick();
  rig.sim.complete(id);
  rig.sim.faults.failNext(500, 1_000_000);
  await rig.tick();
  rig.clock.advance(RETRY_MS);
  await rig.tick();
  t.same(rig.lock.steadyStates(), []);
  t.equal(rig.agent.status().phase, 'granted');
  rig.sim.faults.clear();
  await rig.tick();
  t.equal(rig.lock.steadyStates().length, 1);
});

void t.test('an event that starts before the grant stops the asking; steady-state once it is gone', async (t) => {
  const rig = await agentRig(t);
  rig.lock.answer = script(SLOTS_FULL);
  const id = rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  await rig.tick();
  rig.sim.start(id);
  for (let i = 0; i < 3; i++) {
    rig.clock.advance(RETRY_MS);
    await rig.tick();
  }
  t.equal(rig.lock.preReboots().length, 1, 'no pre-reboot once the event started');
  t.equal(rig.logs.filter((l) => /started before the slot was granted/.test(l.msg)).length, 1, 'warned once');
  rig.sim.complete(id);
  await rig.tick();
  t.same(rig.lock.requests.map((r) => r.endpoint), ['pre-reboot', 'steady-state']);
});

void t.test('the agent keeps asking from the last known events while IMDS fails', async (t) => {
  const rig = await agentRig(t);
  rig.lock.answer = script(SLOTS_FULL, GRANT);
  rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  await rig.tick();
  rig.sim.faults.failNext(500, 1_000_000);
  rig.clock.advance(RETRY_MS);
  await rig.tick();
  t.equal(rig.lock.preReboots().length, 2);
  t.equal(rig.agent.status().phase, 'granted');
  t.ok((rig.agent.stats.pollFailures.http_500 ?? 0) >= 1);
});

void t.test('a Preempt arriving while a Reboot waits is asked for in the urgent group; both groups get steady-state', async (t) => {
  const rig = await agentRig(t);
  rig.lock.answer = (req) => (req.endpoint === 'pre-reboot' && req.group === 'azure' ? SLOTS_FULL : GRANT);
  const reboot = rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  await rig.tick();
  const preempt = rig.sim.schedule({ eventType: 'Preempt', resources: [OUR_VM] });
  rig.clock.advance(RETRY_MS);
  await rig.tick();
  t.same(rig.lock.preReboots().map((r) => r.group), ['azure', 'azure-urgent']);
  t.equal(rig.agent.status().phase, 'granted');
  rig.sim.cancel(preempt);
  rig.sim.cancel(reboot);
  await rig.tick();
  // The slot was taken in whichever group the server first accepted a claim in: give back in both.
  t.same(rig.lock.steadyStates().map((r) => r.group), ['azure', 'azure-urgent']);
});

void t.test('an unreachable lock server is retried like a refusal', async (t) => {
  const rig = await agentRig(t, { args: ['--server', 'http://127.0.0.1:9/'] });
  rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  await rig.tick();
  rig.clock.advance(RETRY_MS);
  await rig.tick();
  t.same(rig.agent.stats.lockRefusals, { network: 2 });
  t.equal(rig.agent.status().phase, 'asking');
});
