// What the server logs for a node refused again and again, as Zincati asks every 5 minutes while refused:
// one info line for the answer, the repeats at debug only, their count when the run ends and in the summary.
import t from 'tap';
import { OK, Refusal } from '../../src/fleetlock/refusal.js';
import { fleetLockBody, send, startHarness, type LogLine } from '../support/http-harness.js';

const HEADER = { 'fleet-lock-protocol': 'true' };
const NODE_A = fleetLockBody({ id: 'node-a', group: 'default' });
// What an operator sees at the default level, without Fastify's own start-up line.
const atInfo = (logs: LogLine[]): LogLine[] => logs.filter((l) => l.level >= 30 && l.msg?.startsWith('fleetlock'));

void t.test('a node refused the same answer three times: one info line, the repeats at debug', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  h.answer = () => Promise.resolve(new Refusal('slots_full', '1 of 1 slots held by node-b'));
  for (const reqId of ['r-1', 'r-2', 'r-3']) {
    t.equal((await send(h.origin, '/v1/pre-reboot', { headers: { ...HEADER, 'x-request-id': reqId }, body: NODE_A })).status, 423);
  }
  const info = atInfo(h.logs);
  t.equal(info.length, 1);
  t.match(info[0], { msg: 'fleetlock refusal', reqId: 'r-1', kind: 'slots_full', id: 'node-a', group: 'default', endpoint: 'pre-reboot', source: '127.0.0.1' });
  const repeats = h.logs.filter((l) => l.level === 20 && l.msg === 'fleetlock refusal');
  t.same(repeats.map((l) => [l.reqId, l.repeat]), [['r-2', 1], ['r-3', 2]], 'debug still shows every request');
});

void t.test('a grant after repeated refusals logs how many there were, and closing the server summarises them', async (t) => {
  const h = await startHarness();
  h.answer = () => Promise.resolve(new Refusal('slots_full', '1 of 1 slots held by node-b'));
  for (let i = 0; i < 4; i++) await send(h.origin, '/v1/pre-reboot', { headers: HEADER, body: NODE_A });
  h.answer = () => Promise.resolve(OK);
  t.equal((await send(h.origin, '/v1/pre-reboot', { headers: { ...HEADER, 'x-request-id': 'grant' }, body: NODE_A })).status, 200);
  await h.close();
  t.same(atInfo(h.logs).map((l) => l.msg), ['fleetlock refusal', 'fleetlock refusals ended', 'fleetlock refusals not logged one by one']);
  t.match(h.logs.find((l) => l.msg === 'fleetlock refusals ended'), { reqId: 'grant', id: 'node-a', answer: 'granted', refused: { kind: 'slots_full', repeats: 3 } });
  t.match(h.logs.find((l) => l.msg === 'fleetlock refusals not logged one by one'), { repeated: 3, repeatedByKind: { slots_full: 3 }, suppressed: 0 });
});

void t.test('a changed answer for the same node is a new info line', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  h.answer = () => Promise.resolve(new Refusal('slots_full', '1 of 1 slots held by node-b'));
  await send(h.origin, '/v1/pre-reboot', { headers: HEADER, body: NODE_A });
  await send(h.origin, '/v1/pre-reboot', { headers: HEADER, body: NODE_A });
  h.answer = () => Promise.resolve(new Refusal('draining', '12 pods left'));
  await send(h.origin, '/v1/pre-reboot', { headers: HEADER, body: NODE_A });
  await send(h.origin, '/v1/pre-reboot', { headers: HEADER, body: NODE_A });
  const info = atInfo(h.logs);
  t.same(info.map((l) => l.kind), ['slots_full', 'draining']);
  t.match(info[1], { previous: { kind: 'slots_full', repeats: 1 } });
});
