// The refusal audit trail as an operator reads it: who asked and the answer once, repeats counted and summarised,
// and a flood of strangers unable to grow the log or the memory without bound.
import t from 'tap';
import { RefusalAudit, type AuditLog, type RefusalAuditOptions } from '../../src/logging/refusal-audit.js';

interface Line {
  readonly level: 'info' | 'debug';
  readonly msg: string;
  readonly fields: Record<string, unknown>;
}

function recorder(debug = false): AuditLog & { lines: Line[] } {
  const lines: Line[] = [];
  return {
    lines,
    info: (fields, msg) => void lines.push({ level: 'info', msg, fields: fields as Record<string, unknown> }),
    debug: (fields, msg) => void lines.push({ level: 'debug', msg, fields: fields as Record<string, unknown> }),
    isLevelEnabled: (level) => level === 'info' || (debug && level === 'debug'),
  };
}

const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);

function setup(options: Partial<RefusalAuditOptions> = {}, debug = false) {
  let now = T0;
  const server = recorder();
  const request = recorder(debug);
  const audit = new RefusalAudit({ log: server, now: () => now, ...options });
  return { audit, server, request, advance: (ms: number) => void (now += ms) };
}

const NODE_A = { id: 'a1b2', group: 'default', node: 'node-a', source: '10.0.0.7' };
const FULL = { endpoint: 'pre-reboot', kind: 'slots_full', value: 'all 1 slot(s) held by node-b', status: 423 };
const DRAINING = { endpoint: 'pre-reboot', kind: 'draining', value: '12 pods left', status: 423 };

void t.test('the first refusal is logged at info with who asked and the answer', async (t) => {
  const { audit, request } = setup();
  audit.refused(NODE_A, FULL, request);
  t.equal(request.lines.length, 1);
  t.match(request.lines[0], {
    level: 'info',
    msg: 'fleetlock refusal',
    fields: { id: 'a1b2', group: 'default', node: 'node-a', source: '10.0.0.7', endpoint: 'pre-reboot', kind: 'slots_full', value: 'all 1 slot(s) held by node-b', status: 423 },
  });
});

void t.test('the same answer repeated is counted, not logged, and the summary reports it', async (t) => {
  const { audit, server, request, advance } = setup();
  audit.refused(NODE_A, FULL, request);
  for (let i = 0; i < 11; i++) {
    advance(5 * 60_000);
    audit.refused(NODE_A, FULL, request);
  }
  t.equal(request.lines.length, 1, 'one line for twelve refusals');
  audit.summarize();
  t.equal(server.lines.length, 1);
  t.match(server.lines[0], {
    level: 'info',
    msg: 'fleetlock refusals not logged one by one',
    fields: { since: new Date(T0).toISOString(), repeated: 11, repeatedByKind: { slots_full: 11 }, suppressed: 0, tracked: 1 },
  });
  audit.summarize();
  t.equal(server.lines.length, 1, 'nothing counted since: no summary line');
});

void t.test('a changed answer is logged, with how often the previous one was repeated since when', async (t) => {
  const { audit, request, advance } = setup();
  audit.refused(NODE_A, FULL, request);
  advance(60_000);
  audit.refused(NODE_A, FULL, request);
  audit.refused(NODE_A, FULL, request);
  advance(60_000);
  audit.refused(NODE_A, DRAINING, request);
  t.equal(request.lines.length, 2);
  t.match(request.lines[1], {
    level: 'info',
    fields: { kind: 'draining', value: '12 pods left', id: 'a1b2', previous: { kind: 'slots_full', repeats: 2, since: new Date(T0).toISOString() } },
  });
  audit.refused(NODE_A, { ...DRAINING, value: '3 pods left' }, request);
  t.equal(request.lines.length, 2, 'the same kind with new progress is a repeat');
});

void t.test('a node refused for an hour is logged again with its count; other nodes and endpoints are their own askers', async (t) => {
  const { audit, request, advance } = setup();
  audit.refused(NODE_A, FULL, request);
  audit.refused({ ...NODE_A, id: 'c3d4', node: 'node-c' }, FULL, request);
  audit.refused(NODE_A, { ...FULL, endpoint: 'steady-state', kind: 'unavailable', status: 503 }, request);
  t.equal(request.lines.length, 3);
  for (let i = 0; i < 12; i++) {
    advance(5 * 60_000);
    audit.refused(NODE_A, FULL, request);
  }
  t.equal(request.lines.length, 4, 'the twelfth repeat, an hour on, is logged');
  t.match(request.lines[3]?.fields, { id: 'a1b2', kind: 'slots_full', previous: { kind: 'slots_full', repeats: 11, since: new Date(T0).toISOString() } });
});

void t.test('an answer of 200 ends the run: its unlogged repeats are reported, and the next refusal is new', async (t) => {
  const { audit, request } = setup();
  audit.refused(NODE_A, FULL, request);
  audit.refused(NODE_A, FULL, request);
  audit.answered(NODE_A, 'pre-reboot', 'granted', request);
  t.match(request.lines[1], { level: 'info', msg: 'fleetlock refusals ended', fields: { id: 'a1b2', endpoint: 'pre-reboot', answer: 'granted', refused: { kind: 'slots_full', repeats: 1 } } });
  audit.refused(NODE_A, FULL, request);
  t.equal(request.lines.length, 3, 'refused again after the grant: logged as new');
  t.notOk(request.lines[2]?.fields.previous);
  audit.answered({ ...NODE_A, id: 'never-refused' }, 'pre-reboot', 'granted', request);
  t.equal(request.lines.length, 3, 'a grant with no refusals before it adds nothing');
});

void t.test('at debug every refusal is on a line: repeats at debug level with their count', async (t) => {
  const { audit, request } = setup({}, true);
  audit.refused(NODE_A, FULL, request);
  audit.refused(NODE_A, FULL, request);
  audit.refused(NODE_A, FULL, request);
  t.same(request.lines.map((l) => l.level), ['info', 'debug', 'debug']);
  t.match(request.lines[2], { msg: 'fleetlock refusal', fields: { id: 'a1b2', kind: 'slots_full', repeat: 2 } });
});

void t.test('requests without an id are told apart by their source address', async (t) => {
  const { audit, request } = setup();
  const bad = { endpoint: 'steady-state', kind: 'bad_request', value: 'request body is empty', status: 400 };
  audit.refused({ source: '192.0.2.1' }, bad, request);
  audit.refused({ source: '192.0.2.1' }, bad, request);
  audit.refused({ source: '192.0.2.2' }, bad, request);
  t.same(request.lines.map((l) => l.fields.source), ['192.0.2.1', '192.0.2.2']);
});

void t.test('a flood of 100,000 distinct unknown ids: lines are rate-limited and summarised, memory stays capped', async (t) => {
  const { audit, server, request, advance } = setup({ maxTracked: 1000 });
  const unknown = (i: number) => ({ id: `random-${i}`, group: 'default', source: `198.51.100.${i % 250}` });
  const answer = { endpoint: 'pre-reboot', kind: 'unknown_id', value: 'no node has this id', status: 404 };
  for (let i = 0; i < 100_000; i++) {
    audit.refused(unknown(i), answer, request);
    if (i % 100 === 99) advance(1000); // 100 requests a second for 1,000 seconds
  }
  t.ok(request.lines.length <= 100 + 5 * 1000 + 1, `${request.lines.length} lines: the burst, then 5 a second`);
  t.ok(audit.size <= 1000, `${audit.size} askers remembered`);
  audit.summarize();
  const summary = server.lines[0]?.fields ?? {};
  t.equal(summary.suppressed, 100_000 - request.lines.length, 'every refusal not logged is counted');
  t.match(summary, { suppressedByKind: { unknown_id: 100_000 - request.lines.length } });
  t.ok(Number(summary.forgotten) > 0, 'askers beyond the cap were forgotten, and the summary says how many');
});

void t.test('without a rate limit the cap alone bounds memory under 100,000 distinct ids', async (t) => {
  const unlimited = { burst: Number.MAX_SAFE_INTEGER, perSecond: 0 };
  const { audit, request } = setup({ maxTracked: 5000, strangerLines: unlimited });
  for (let i = 0; i < 100_000; i++) audit.refused({ id: `random-${i}` }, { kind: 'unknown_id', value: 'no node', status: 404 }, request);
  t.equal(audit.size, 5000);
  t.equal(request.lines.length, 100_000, 'each was new, so each was logged');
});

void t.test('a stranger flood does not delay the first refusal of a known node', async (t) => {
  const { audit, request } = setup();
  for (let i = 0; i < 10_000; i++) audit.refused({ source: `203.0.113.${i % 250}`, id: `x${i}` }, { kind: 'bad_request', value: 'bad', status: 400 }, request);
  audit.refused(NODE_A, FULL, request);
  t.match(request.lines.at(-1)?.fields, { id: 'a1b2', kind: 'slots_full' });
});

void t.test('a suppressed first refusal is logged on a later request once the rate allows', async (t) => {
  const { audit, request, advance } = setup({ fleetLines: { burst: 1, perSecond: 1 } });
  audit.refused({ ...NODE_A, id: 'first' }, FULL, request);
  audit.refused(NODE_A, FULL, request);
  t.equal(request.lines.length, 1, 'the second node waits');
  advance(1000);
  audit.refused(NODE_A, FULL, request);
  t.match(request.lines.at(-1)?.fields, { id: 'a1b2', kind: 'slots_full' });
});
