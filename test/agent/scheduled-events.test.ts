import t from 'tap';
import { ImdsMalformedError } from '../../src/agent/imds-errors.js';
import { parseRfc1123 } from '../../src/agent/rfc1123.js';
import { parseCompute, parseEventsDocument } from '../../src/agent/scheduled-events.js';

// The example from Microsoft's scheduled-events documentation.
const SAMPLE = {
  DocumentIncarnation: 7,
  Events: [
    {
      EventId: 'f020ba2e-3bc0-4c40-a10b-86575a9eabd5',
      EventType: 'Freeze',
      ResourceType: 'VirtualMachine',
      Resources: ['FrontEnd_IN_0', 'BackEnd_IN_0'],
      EventStatus: 'Scheduled',
      NotBefore: 'Mon, 19 Sep 2016 18:29:47 GMT',
      Description: 'Virtual machine is being paused because of a memory-preserving Live Migration operation.',
      EventSource: 'Platform',
      DurationInSeconds: 5,
    },
  ],
};

type Ev = Record<string, unknown>;
const withEvent = (over: Ev) => ({ ...SAMPLE, Events: [{ ...SAMPLE.Events[0], ...over }] });
const without = (key: string) => {
  const e: Ev = { ...SAMPLE.Events[0] };
  delete e[key];
  return { ...SAMPLE, Events: [e] };
};

void t.test('the documented example parses into what it says', (t) => {
  const doc = parseEventsDocument(SAMPLE);
  t.equal(doc.incarnation, 7);
  const e = doc.events[0]!;
  t.equal(e.eventId, 'f020ba2e-3bc0-4c40-a10b-86575a9eabd5');
  t.equal(e.eventType, 'Freeze');
  t.equal(e.known, true);
  t.same(e.resources, ['FrontEnd_IN_0', 'BackEnd_IN_0']);
  t.equal(e.status, 'Scheduled');
  t.equal(e.notBefore?.toISOString(), '2016-09-19T18:29:47.000Z');
  t.equal(e.durationInSeconds, 5);
  t.equal(e.eventSource, 'Platform');
  t.same(parseEventsDocument({ DocumentIncarnation: 0, Events: [] }).events, []);
  t.end();
});

void t.test('a Started event has an empty NotBefore', (t) => {
  const e = parseEventsDocument(withEvent({ EventStatus: 'Started', NotBefore: '' })).events[0]!;
  t.equal(e.status, 'Started');
  t.equal(e.notBefore, undefined);
  t.end();
});

void t.test('an unknown event type is kept, not rejected', (t) => {
  const e = parseEventsDocument(withEvent({ EventType: 'LiveMigrate' })).events[0]!;
  t.equal(e.eventType, 'LiveMigrate');
  t.equal(e.known, false);
  t.end();
});

void t.test('anything off the documented shape is an ImdsMalformedError naming the field', (t) => {
  const cases: [unknown, RegExp][] = [
    [[], /document must be a JSON object/],
    [{ Events: [] }, /document\.DocumentIncarnation must be an integer/],
    [{ DocumentIncarnation: '7', Events: [] }, /DocumentIncarnation must be an integer/],
    [{ DocumentIncarnation: 1.5, Events: [] }, /DocumentIncarnation must be an integer/],
    [{ DocumentIncarnation: 7 }, /document\.Events must be an array/],
    [{ DocumentIncarnation: 7, Events: {} }, /document\.Events must be an array/],
    [{ DocumentIncarnation: 7, Events: [null] }, /Events\[0\] must be an object/],
    [without('EventId'), /Events\[0\]\.EventId must be a string/],
    [withEvent({ EventId: '' }), /EventId must not be empty/],
    [withEvent({ Resources: 'vmss_1' }), /Resources must be an array of strings/],
    [withEvent({ Resources: ['vmss_1', 3] }), /Resources must be an array of strings/],
    [withEvent({ EventStatus: 'Completed' }), /EventStatus must be Scheduled or Started/],
    [withEvent({ NotBefore: '2016-09-19T18:29:47Z' }), /NotBefore is not an RFC 1123 date/],
    [withEvent({ NotBefore: 'Sun, 19 Sep 2016 18:29:47 GMT' }), /NotBefore is not an RFC 1123 date/],
    [withEvent({ NotBefore: '' }), /NotBefore must be set while the event is Scheduled/],
    [withEvent({ DurationInSeconds: '5' }), /DurationInSeconds must be an integer of at least -1/],
    [withEvent({ DurationInSeconds: -2 }), /DurationInSeconds must be an integer/],
    [without('EventSource'), /EventSource must be a string/],
    [without('Description'), /Description must be a string/],
    [without('ResourceType'), /ResourceType must be a string/],
    [{ DocumentIncarnation: 7, Events: [SAMPLE.Events[0], SAMPLE.Events[0]] }, /lists an EventId twice/],
  ];
  for (const [doc, message] of cases) {
    t.throws(() => parseEventsDocument(doc), { name: 'ImdsMalformedError', code: 'ERR_IMDS_MALFORMED', message }, String(message));
  }
  t.ok(new ImdsMalformedError('x', 'y') instanceof Error);
  t.end();
});

void t.test('RFC 1123 dates are read strictly', (t) => {
  t.equal(parseRfc1123('Mon, 19 Sep 2016 18:29:47 GMT')?.getTime(), Date.UTC(2016, 8, 19, 18, 29, 47));
  for (const bad of ['Mon, 19 Sep 2016 18:29:47 UTC', 'Mon, 9 Sep 2016 18:29:47 GMT', 'Tue, 31 Feb 2016 18:29:47 GMT', 'Mon, 19 Sep 2016 25:29:47 GMT', 'Monday, 19 Sep 2016 18:29:47 GMT', ' Mon, 19 Sep 2016 18:29:47 GMT']) {
    t.equal(parseRfc1123(bad), undefined, bad);
  }
  t.end();
});

void t.test('the compute document gives the VM name exactly as Resources lists it', (t) => {
  const c = parseCompute({ name: 'vmss_1', vmScaleSetName: 'vmss', resourceId: '/x', osProfile: { computerName: 'vmss000001' } });
  t.same(c, { name: 'vmss_1', vmScaleSetName: 'vmss', resourceId: '/x', computerName: 'vmss000001' });
  t.equal(parseCompute({ name: 'single-vm' }).vmScaleSetName, '');
  t.throws(() => parseCompute({ name: '' }), { code: 'ERR_IMDS_MALFORMED', message: /compute\.name must not be empty/ });
  t.throws(() => parseCompute({ vmScaleSetName: 'vmss' }), { message: /compute\.name must be a string/ });
  t.end();
});
