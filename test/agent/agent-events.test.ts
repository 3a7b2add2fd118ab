// Which scheduled events make the agent ask for the lock, and in which group.
import t from 'tap';
import { zincatiId } from '../../src/identity/app-specific-id.js';
import { MACHINE_ID, OUR_VM, ZINCATI_ID, agentRig } from '../support/agent-rig.js';

void t.test('the id sent is the Zincati id of the machine-id file, as the server indexes nodes', async (t) => {
  const rig = await agentRig(t, { machineIdFileContents: '1C09CA98-649C-4C7A-BC77-9CD04C96812E\n' });
  rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  await rig.tick();
  t.same(rig.lock.requests, [{ endpoint: 'pre-reboot', id: zincatiId(MACHINE_ID), group: 'azure' }]);
  t.equal(rig.lock.requests[0]?.id, ZINCATI_ID);
  t.equal(rig.id, ZINCATI_ID);
});

void t.test('each impactful type, Scheduled, asks for the lock; urgent ones in the urgent group', async (t) => {
  for (const [type, group] of [['Reboot', 'azure'], ['Redeploy', 'azure'], ['Preempt', 'azure-urgent'], ['Terminate', 'azure-urgent']] as const) {
    await t.test(type, async (t) => {
      const rig = await agentRig(t);
      rig.sim.schedule({ eventType: type, resources: [OUR_VM] });
      await rig.tick();
      t.same(rig.lock.requests, [{ endpoint: 'pre-reboot', id: ZINCATI_ID, group }]);
      t.equal(rig.agent.status().phase, 'granted');
      t.same(rig.agent.stats.eventsSeen, { [type]: 1 });
    });
  }
});

void t.test('the urgent group and the ordinary group are configurable', async (t) => {
  const rig = await agentRig(t, { args: ['--group', 'workers', '--urgent-group', 'spot.now'] });
  rig.sim.schedule({ eventType: 'Preempt', resources: [OUR_VM] });
  await rig.tick();
  t.equal(rig.lock.requests[0]?.group, 'spot.now');
  const other = await agentRig(t, { args: ['--group', 'workers'] });
  other.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  await other.tick();
  t.equal(other.lock.requests[0]?.group, 'workers');
});

void t.test('an event first seen as Started is not asked for: the platform is already acting', async (t) => {
  for (const type of ['Reboot', 'Redeploy', 'Preempt', 'Terminate', 'Freeze']) {
    const rig = await agentRig(t);
    rig.sim.schedule({ eventType: type, resources: [OUR_VM], status: 'Started', durationInSeconds: -1 });
    await rig.tick();
    t.same(rig.lock.preReboots(), [], type);
    t.ok(rig.logs.some((l) => l.level === 40 && /started before the slot was granted/.test(l.msg)), `${type}: warned`);
  }
});

void t.test('a Freeze asks only from the threshold up, or when its length is unknown', async (t) => {
  const asks = async (durationInSeconds: number, args: string[] = []) => {
    const rig = await agentRig(t, { args });
    rig.sim.schedule({ eventType: 'Freeze', resources: [OUR_VM], durationInSeconds });
    await rig.tick();
    return rig.lock.preReboots().length;
  };
  t.equal(await asks(5), 0, '5 s freeze: no drain');
  t.equal(await asks(0), 0, 'no downtime');
  t.equal(await asks(9), 1, '9 s freeze');
  t.equal(await asks(30), 1);
  t.equal(await asks(-1), 1, 'unknown duration');
  t.equal(await asks(30, ['--freeze-threshold', '1m']), 0, 'threshold raised');
  t.equal(await asks(5, ['--impactful-types', 'Reboot,Freeze']), 1, 'Freeze configured as always impactful');
});

void t.test('an event for another VM of the scale set sends nothing (vmss_1 is not vmss_10)', async (t) => {
  const rig = await agentRig(t);
  rig.sim.schedule({ eventType: 'Reboot', resources: ['vmss_10'] });
  rig.sim.schedule({ eventType: 'Terminate', resources: ['vmss_11', 'vmss_12'] });
  await rig.tick();
  await rig.tick();
  t.same(rig.lock.preReboots(), [], 'no pre-reboot');
  t.same(rig.lock.steadyStates().map((r) => r.group), ['azure', 'azure-urgent'], 'only the start-up steady-state, once');
  t.equal(rig.agent.status().phase, 'idle');
  t.same(rig.agent.stats.eventsSeen, {});
  t.ok(rig.logs.some((l) => /not for this VM/.test(String(l.reason))), 'the decision is logged');
});

void t.test('a document for several VMs including ours asks once', async (t) => {
  const rig = await agentRig(t);
  rig.sim.schedule({ eventType: 'Freeze', resources: ['vmss_0', 'vmss_10'], durationInSeconds: -1 });
  const ours = rig.sim.schedule({ eventType: 'Redeploy', resources: ['vmss_0', OUR_VM, 'vmss_10'] });
  await rig.tick();
  t.same(rig.lock.requests, [{ endpoint: 'pre-reboot', id: ZINCATI_ID, group: 'azure' }]);
  t.same(rig.agent.status().pending.map((d) => d.eventId), [ours]);
});

void t.test('every decision is logged with the event id and the reason, once per document change', async (t) => {
  const rig = await agentRig(t);
  const a = rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  const b = rig.sim.schedule({ eventType: 'Freeze', resources: [OUR_VM], durationInSeconds: 2 });
  const c = rig.sim.schedule({ eventType: 'Reboot', resources: ['vmss_10'] });
  await rig.tick();
  await rig.tick();
  const decisions = rig.logs.filter((l) => l.msg === 'scheduled event');
  t.same(decisions.map((l) => [l.eventId, l.reason]), [
    [a, 'Reboot is an impactful event type'],
    [b, 'Freeze of 2 s is below the 9 s threshold'],
    [c, 'not for this VM (vmss_1 is not in Resources)'],
  ]);
});

void t.test('an event type newer than the agent is logged and left alone', async (t) => {
  const rig = await agentRig(t);
  const id = rig.sim.schedule({ eventType: 'LiveMigrate', resources: [OUR_VM] });
  await rig.tick();
  t.same(rig.lock.preReboots(), [], 'no pre-reboot for it');
  t.ok(rig.logs.some((l) => l.level === 40 && l.eventId === id && /unknown event type "LiveMigrate"/.test(String(l.reason))));
  t.equal(rig.agent.stats.polls, 1);
});
