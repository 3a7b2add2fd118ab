import t from 'tap';
import { DEFAULT_POLICY, decide, type DecisionPolicy } from '../../src/agent/decide.js';
import type { ScheduledEvent } from '../../src/agent/scheduled-events.js';

function event(over: Partial<ScheduledEvent>): ScheduledEvent {
  return {
    eventId: 'E1',
    eventType: 'Reboot',
    known: true,
    resourceType: 'VirtualMachine',
    resources: ['vmss_1'],
    status: 'Scheduled',
    notBefore: new Date('2016-09-19T18:29:47Z'),
    durationInSeconds: -1,
    eventSource: 'Platform',
    description: '',
    ...over,
  };
}

void t.test('an event concerns this VM only if Resources names it exactly', (t) => {
  t.equal(decide(event({ resources: ['vmss_10'] }), 'vmss_1', DEFAULT_POLICY).concernsUs, false, 'vmss_10 is not vmss_1');
  t.equal(decide(event({ resources: ['vmss_1'] }), 'vmss_10', DEFAULT_POLICY).concernsUs, false, 'vmss_1 is not vmss_10');
  t.equal(decide(event({ resources: ['VMSS_1'] }), 'vmss_1', DEFAULT_POLICY).concernsUs, false, 'no case folding');
  t.equal(decide(event({ resources: ['xvmss_1 '] }), 'vmss_1', DEFAULT_POLICY).concernsUs, false);
  const several = decide(event({ resources: ['vmss_0', 'vmss_1', 'vmss_10'] }), 'vmss_1', DEFAULT_POLICY);
  t.equal(several.concernsUs, true);
  t.equal(several.shared, true, 'approving would release the other VMs too');
  t.equal(decide(event({ resources: ['vmss_1'] }), 'vmss_1', DEFAULT_POLICY).shared, false);
  t.match(decide(event({ resources: ['vmss_10'] }), 'vmss_1', DEFAULT_POLICY).reason, /not for this VM/);
  t.end();
});

void t.test('Reboot, Redeploy, Preempt and Terminate are impactful; Preempt and Terminate are urgent', (t) => {
  for (const [type, urgent] of [['Reboot', false], ['Redeploy', false], ['Preempt', true], ['Terminate', true]] as const) {
    const d = decide(event({ eventType: type }), 'vmss_1', DEFAULT_POLICY);
    t.equal(d.impactful, true, type);
    t.equal(d.urgent, urgent, `${type} urgent`);
    t.equal(d.eventId, 'E1');
    t.ok(d.reason.length > 0);
  }
  t.end();
});

void t.test('a Freeze needs a drain only from the threshold up, or when its length is unknown', (t) => {
  const at = (seconds: number) => decide(event({ eventType: 'Freeze', durationInSeconds: seconds }), 'vmss_1', DEFAULT_POLICY);
  t.equal(at(0).impactful, false, 'no downtime');
  t.equal(at(5).impactful, false);
  t.match(at(5).reason, /5 s is below the 9 s threshold/);
  t.equal(at(8).impactful, false);
  t.equal(at(9).impactful, true);
  t.equal(at(30).impactful, true);
  t.equal(at(-1).impactful, true);
  t.match(at(-1).reason, /unknown duration/);
  t.equal(at(30).urgent, false);
  t.end();
});

void t.test('each rule follows the configuration', (t) => {
  const policy: DecisionPolicy = { impactfulTypes: new Set(['Terminate', 'Freeze']), urgentTypes: new Set(['Terminate']), freezeThresholdSeconds: 60 };
  t.equal(decide(event({ eventType: 'Reboot' }), 'vmss_1', policy).impactful, false, 'Reboot not configured');
  t.match(decide(event({ eventType: 'Reboot' }), 'vmss_1', policy).reason, /not configured as impactful/);
  t.equal(decide(event({ eventType: 'Freeze', durationInSeconds: 2 }), 'vmss_1', policy).impactful, true, 'Freeze listed: always');
  t.equal(decide(event({ eventType: 'Preempt' }), 'vmss_1', policy).urgent, false);
  const higher = { ...DEFAULT_POLICY, freezeThresholdSeconds: 60 };
  t.equal(decide(event({ eventType: 'Freeze', durationInSeconds: 30 }), 'vmss_1', higher).impactful, false);
  t.end();
});

void t.test('an unknown event type is kept but not acted on', (t) => {
  const d = decide(event({ eventType: 'LiveMigrate', known: false }), 'vmss_1', DEFAULT_POLICY);
  t.equal(d.concernsUs, true);
  t.equal(d.impactful, false);
  t.match(d.reason, /unknown event type "LiveMigrate"/);
  t.end();
});
