// The agent restarting mid-event resumes from the document alone (pre-reboot is idempotent on the server).
import t from 'tap';
import { DRAINING, GRANT } from '../support/fake-fleetlock.js';
import { OUR_VM, ZINCATI_ID, agentRig } from '../support/agent-rig.js';

void t.test('restarted after the grant, before the event started: asks again, approves, gives back', async (t) => {
  const rig = await agentRig(t, { args: ['--approve'] });
  rig.lock.answer = (req) => (req.endpoint === 'pre-reboot' && rig.lock.preReboots().length === 1 ? DRAINING : GRANT);
  const id = rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  await rig.tick();
  t.equal(rig.agent.status().phase, 'asking');
  await rig.restart();
  await rig.tick();
  t.same(rig.lock.preReboots(), [
    { endpoint: 'pre-reboot', id: ZINCATI_ID, group: 'azure' },
    { endpoint: 'pre-reboot', id: ZINCATI_ID, group: 'azure' },
  ], 'the same id, asked again at once');
  t.same(rig.sim.approvals, [{ vm: OUR_VM, eventIds: [id] }]);
  rig.sim.complete(id);
  await rig.tick();
  t.equal(rig.lock.steadyStates().length, 1);
});

void t.test('restarted while the event runs: no pre-reboot, steady-state once it is gone', async (t) => {
  const rig = await agentRig(t);
  const id = rig.sim.schedule({ eventType: 'Freeze', resources: [OUR_VM], durationInSeconds: 30 });
  await rig.tick();
  rig.sim.start(id);
  await rig.restart();
  await rig.tick();
  t.equal(rig.lock.preReboots().length, 1, 'only the first agent asked');
  rig.sim.complete(id);
  await rig.tick();
  t.same(rig.lock.requests.map((r) => `${r.endpoint} ${r.group}`), ['pre-reboot azure', 'steady-state azure', 'steady-state azure-urgent'], 'the slot the first agent took is given back, in whichever group it was taken');
});

void t.test('started after the event is over: steady-state once, in both groups (a Freeze or a cancellation leaves no new boot to release on)', async (t) => {
  const rig = await agentRig(t);
  const id = rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  await rig.tick();
  rig.sim.complete(id);
  await rig.restart();
  await rig.tick();
  await rig.tick();
  t.same(rig.lock.requests.map((r) => `${r.endpoint} ${r.group}`), ['pre-reboot azure', 'steady-state azure', 'steady-state azure-urgent']);
  t.equal(rig.agent.status().phase, 'idle');
});
