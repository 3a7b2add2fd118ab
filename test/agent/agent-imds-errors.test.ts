// The agent rides out IMDS failures: retried errors, failed polls, malformed documents, the slow first call.
import t from 'tap';
import { OUR_VM, agentRig } from '../support/agent-rig.js';

void t.test('410, 429 and 500 are retried within the poll: the agent still acts on the document', async (t) => {
  const rig = await agentRig(t);
  rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  await rig.tick(); // the first poll also reads compute; the faults hit the second
  rig.sim.faults.failNext(410, 2);
  rig.sim.faults.failNext(429);
  rig.sim.faults.failNext(500);
  await rig.tick();
  t.equal(rig.agent.stats.polls, 2);
  t.same(rig.agent.stats.imdsErrors, { http_410: 2, http_429: 1, http_500: 1 });
  t.same(rig.agent.stats.pollFailures, {});
});

void t.test('the first poll rides out errors and still asks for the lock', async (t) => {
  const rig = await agentRig(t);
  rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  rig.sim.faults.failNext(410, 3);
  rig.sim.faults.failNext(500);
  await rig.tick();
  t.equal(rig.lock.preReboots().length, 1);
});

void t.test('timeouts are retried', async (t) => {
  const rig = await agentRig(t, { args: ['--imds-timeout', '150ms', '--imds-first-call-timeout', '150ms', '--imds-retry-budget', '10s'] });
  rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  rig.sim.faults.delayNext(3_000, 2);
  await rig.tick();
  t.same(rig.agent.stats.imdsErrors, { timeout: 2 });
  t.equal(rig.lock.preReboots().length, 1);
});

void t.test('the slow first call is waited for, not counted as a failure', async (t) => {
  const rig = await agentRig(t, { sim: { firstCallDelayMs: 500 }, args: ['--imds-timeout', '150ms', '--imds-first-call-timeout', '30s'] });
  rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  await rig.tick();
  t.same(rig.agent.stats.imdsErrors, {});
  t.equal(rig.lock.preReboots().length, 1);
});

void t.test('a poll that fails for good is logged and counted, and the agent carries on', async (t) => {
  const rig = await agentRig(t);
  rig.sim.faults.failNext(500, 1_000_000);
  await rig.tick();
  t.equal(rig.agent.stats.polls, 0);
  t.same(rig.agent.stats.pollFailures, { http_500: 1 });
  t.ok(rig.logs.some((l) => l.level === 40 && l.code === 'ERR_IMDS_HTTP'));
  rig.sim.faults.clear();
  rig.sim.schedule({ eventType: 'Redeploy', resources: [OUR_VM] });
  await rig.tick();
  t.equal(rig.lock.preReboots().length, 1);
});

void t.test('a malformed document is reported and survived; the last good events stay in force', async (t) => {
  const rig = await agentRig(t);
  const id = rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  await rig.tick();
  rig.sim.faults.malformedNext(1);
  rig.sim.complete(id);
  await rig.tick();
  t.same(rig.agent.stats.pollFailures, { malformed: 1 });
  t.same(rig.agent.stats.imdsErrors, { malformed: 1 });
  t.ok(rig.logs.some((l) => l.level === 40 && l.code === 'ERR_IMDS_MALFORMED' && /DocumentIncarnation/.test(String(l.err))));
  t.same(rig.lock.steadyStates(), [], 'a broken document does not mean the event is over');
  await rig.tick();
  t.equal(rig.lock.steadyStates().length, 1, 'the next good document does');
});

void t.test('without its VM name the agent reads no events, and retries the compute document', async (t) => {
  const rig = await agentRig(t);
  rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  rig.sim.faults.failNext(404, 1, 'compute');
  await rig.tick();
  t.same(rig.sim.eventRequests(), []);
  t.same(rig.agent.stats.pollFailures, { http_404: 1 });
  t.equal(rig.agent.status().vmName, undefined);
  await rig.tick();
  t.equal(rig.agent.status().vmName, OUR_VM);
  t.equal(rig.lock.preReboots().length, 1);
});

void t.test('IMDS answering 429 under its rate limit is retried, not fatal', async (t) => {
  let now = 0;
  const rig = await agentRig(t, { sim: { rateLimitPerSecond: 2, now: () => now } });
  rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  // compute + events use up the second; the retry lands after the window moves on.
  rig.sim.subscribe((n) => {
    if (n.type === 'answered' && n.request.status === 429) now += 1001;
  });
  await rig.tick();
  await rig.tick();
  t.equal(rig.agent.stats.imdsErrors.http_429, 1);
  t.equal(rig.agent.stats.polls, 2);
});
