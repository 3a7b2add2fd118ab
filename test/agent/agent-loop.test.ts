// The agent as it runs in the DaemonSet: its own loop on the real clock, stopped by stop().
import t from 'tap';
import { systemClock } from '../../src/clock/clock.js';
import type { AgentStatus } from '../../src/agent/agent.js';
import { DRAINING, GRANT } from '../support/fake-fleetlock.js';
import { OUR_VM, agentRig } from '../support/agent-rig.js';

void t.test('a whole event: asked until granted, approved, given back, then stopped cleanly', async (t) => {
  const rig = await agentRig(t, { clock: systemClock, args: ['--poll-interval', '200ms', '--retry-interval', '100ms', '--approve'] });
  rig.lock.answer = (req) => (req.endpoint === 'pre-reboot' && rig.lock.preReboots().length < 3 ? DRAINING : GRANT);
  const phases: AgentStatus['phase'][] = [];
  rig.agent.subscribe((s) => {
    if (phases.at(-1) !== s.phase) phases.push(s.phase);
  });
  rig.agent.start();
  await rig.sim.waitFor(() => rig.sim.eventRequests().length >= 2, 'the agent polling');
  const id = rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  await rig.sim.waitFor(() => rig.sim.approvals.length === 1, 'the approval');
  t.equal(rig.lock.preReboots().length, 3, 'two refusals, then the grant');
  t.same(rig.sim.approvals[0]?.eventIds, [id]);
  rig.sim.complete(id);
  // Start-up steady-state in both groups (nothing pending), then the one for this event's group.
  await rig.lock.waitFor(() => rig.lock.steadyStates().length === 3, 'steady-state');
  await rig.agent.stop();
  t.same(rig.lock.steadyStates().map((r) => r.group), ['azure', 'azure-urgent', 'azure']);
  t.same(phases, ['idle', 'asking', 'granted', 'idle']);
});
