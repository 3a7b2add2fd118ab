// The imds-agent's GET /metrics after a scripted Reboot event: polls, an IMDS error, the event, refusals, the grant, the approval.
import t from 'tap';
import { parseImdsAgentConfig } from '../../src/agent/config.js';
import { DRAINING, GRANT, type LockAnswer } from '../support/fake-fleetlock.js';
import { OUR_VM, RETRY_MS, agentRig } from '../support/agent-rig.js';
import { scrape } from '../support/metrics.js';

const METRICS_ARGS = ['--metrics-listen', '127.0.0.1:0'];

void t.test('the agent serves its counters at /metrics', async (t) => {
  const rig = await agentRig(t, { args: ['--approve', ...METRICS_ARGS], serveMetrics: true });
  if (!rig.metricsUrl) throw new Error('no metrics URL');
  let refusals = 1;
  rig.lock.answer = (req): LockAnswer => (req.endpoint === 'pre-reboot' && refusals-- > 0 ? DRAINING : GRANT);

  const idle = await scrape(rig.metricsUrl);
  t.equal(idle.value('reboot_manager_agent_imds_polls_total'), 0, 'nothing polled yet');
  t.equal(idle.value('reboot_manager_agent_events_seen_total', { type: 'Reboot' }), 0, 'known event types are listed at 0');

  const id = rig.sim.schedule({ eventType: 'Reboot', resources: [OUR_VM] });
  rig.sim.faults.failNext(500);
  await rig.tick(); // a 500, retried within the poll; the event; pre-reboot refused (draining)
  rig.clock.advance(RETRY_MS);
  await rig.tick(); // pre-reboot granted; approved
  t.same(rig.sim.approvals, [{ vm: OUR_VM, eventIds: [id] }]);
  rig.sim.complete(id);
  await rig.tick(); // the event is gone: steady-state

  const m = await scrape(rig.metricsUrl);
  t.equal(m.value('reboot_manager_agent_imds_polls_total'), 3);
  t.equal(m.value('reboot_manager_agent_imds_errors_total', { kind: 'http_500' }), 1);
  t.equal(m.value('reboot_manager_agent_events_seen_total', { type: 'Reboot' }), 1, 'seen once over three polls');
  t.equal(m.value('reboot_manager_agent_fleetlock_requests_total', { endpoint: 'pre-reboot' }), 2);
  t.equal(m.value('reboot_manager_agent_fleetlock_requests_total', { endpoint: 'steady-state' }), 1);
  t.equal(m.value('reboot_manager_agent_refusals_total', { kind: 'draining' }), 1);
  t.equal(m.value('reboot_manager_agent_grants_total'), 1);
  t.equal(m.value('reboot_manager_agent_steady_state_accepted_total'), 1);
  t.equal(m.value('reboot_manager_agent_approvals_total'), 1);
  t.equal(m.value('reboot_manager_agent_approval_failures_total'), 0);
  t.equal(m.value('reboot_manager_agent_approval_latency_seconds_count'), 1);
  t.equal(m.value('reboot_manager_agent_approval_latency_seconds_sum'), RETRY_MS / 1000, 'from first sight to approval, on the agent clock');
  t.equal(m.types.get('reboot_manager_agent_approval_latency_seconds'), 'histogram');
  t.equal(m.types.get('reboot_manager_agent_refusals_total'), 'counter');
  t.ok(m.types.has('reboot_manager_agent_process_resident_memory_bytes'), 'process metrics too');

  const again = await scrape(rig.metricsUrl);
  t.equal(again.value('reboot_manager_agent_approval_latency_seconds_count'), 1, 'a second scrape counts the approval once');
  t.equal(again.value('reboot_manager_agent_grants_total'), 1);
});

void t.test('--metrics-listen defaults to :9102; empty or off disables it', async (t) => {
  const base = ['--server', 'http://127.0.0.1:1/'];
  t.same(parseImdsAgentConfig(base, {}).metricsListen, { host: '0.0.0.0', port: 9102 });
  t.equal(parseImdsAgentConfig([...base, '--metrics-listen='], {}).metricsListen, undefined);
  t.equal(parseImdsAgentConfig(base, { REBOOT_MANAGER_METRICS_LISTEN: 'off' }).metricsListen, undefined);
  t.throws(() => parseImdsAgentConfig([...base, '--metrics-listen', 'nowhere'], {}), /--metrics-listen "nowhere"/);
});
