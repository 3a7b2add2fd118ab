// Server logs as an operator reads them: every line of a request carries its reqId, and no credential is ever written.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { request } from 'undici';
import { createLogger } from '../../src/logging/logger.js';
import { prettyLine } from '../../src/logging/pretty.js';
import { SERVICE_ACCOUNT, startCluster, type TestCluster } from '../support/cluster.js';

type Line = Record<string, unknown> & { msg?: string; reqId?: string };

function capture(level: 'debug' | 'trace'): { logger: ReturnType<typeof createLogger>; raw: string[]; lines: () => Line[] } {
  const raw: string[] = [];
  const logger = createLogger({ level, base: { replica: 'test' }, destination: { write: (line: string) => void raw.push(line) } });
  return { logger, raw, lines: () => raw.map((l) => JSON.parse(l) as Line) };
}

async function send(c: TestCluster, url: string, endpoint: string, node: string, headers: Record<string, string>): Promise<number> {
  const body = JSON.stringify({ client_params: { id: c.zincatiIdOf(node), group: 'default' } });
  const res = await request(new URL(`v1/${endpoint}`, url), { method: 'POST', dispatcher: c.from(node), headers: { 'fleet-lock-protocol': 'true', ...headers }, body });
  await res.body.dump();
  return res.statusCode;
}

// What the coordinator logs while answering: each must name the request it belongs to.
const REQUEST_PATH_MESSAGES = ['claimed reboot slot', 'reboot granted', 'released reboot slot', 'writing node failed', 'fleetlock refusal'];

void t.test("every line the coordinator writes while answering a request carries that request's reqId", async (t) => {
  const log = capture('debug');
  const c = await startCluster(t, { nodes: 2, logger: log.logger });
  const leader = await c.leader();

  t.equal(await send(c, leader.url, 'pre-reboot', 'node-01', { 'x-request-id': 'claim-1' }), 200, 'node-01 is empty: claimed, drained and granted in one request');
  t.equal(await send(c, leader.url, 'pre-reboot', 'node-02', { 'x-request-id': 'wait-1' }), 423);
  c.kubeletReports('node-01', Date.now() + 2000); // its kubelet has reported after the steady-state to come
  t.equal(await send(c, leader.url, 'steady-state', 'node-01', { 'x-request-id': 'release-1' }), 200);

  const lines = log.lines();
  const msgsOf = (reqId: string) => lines.filter((l) => l.reqId === reqId).map((l) => l.msg);
  t.same(msgsOf('claim-1'), ['claimed reboot slot', 'reboot granted']);
  t.same(msgsOf('wait-1'), ['fleetlock refusal']);
  t.same(msgsOf('release-1'), ['released reboot slot', 'released reboot slot on steady-state']);
  const orphans = lines.filter((l) => REQUEST_PATH_MESSAGES.includes(l.msg ?? '') && l.reqId === undefined);
  t.same(orphans, [], 'no request-path line without a reqId');
  t.ok(lines.every((l) => l.replica === 'test'), 'and every line names the replica');
});

void t.test('no bearer token from the kubeconfig, authorization header or cookie reaches the log', async (t) => {
  const log = capture('trace');
  const c = await startCluster(t, { nodes: 2, logger: log.logger });
  const leader = await c.leader();
  const kubeToken = c.sim.token(SERVICE_ACCOUNT);
  t.match(readFileSync(c.kubeconfig, 'utf8'), kubeToken, 'the server authenticates with this token');
  const secrets = { authorization: 'Bearer header-secret-7f3a', cookie: 'session=cookie-secret-91bc' };

  // Answers of every kind, each sent with credentials in its headers.
  t.equal(await send(c, leader.url, 'pre-reboot', 'node-01', secrets), 200);
  t.equal(await send(c, leader.url, 'pre-reboot', 'node-02', secrets), 423);
  const stray = await request(new URL('nowhere', leader.url), { method: 'POST', headers: secrets });
  await stray.body.dump();
  // The API fails: writes are cut off (the library's error quotes the URL), then refused with 500.
  const dropped = c.sim.faults.inject({ verb: 'patch', resource: 'nodes', drop: true });
  const refusal = await request(new URL('v1/steady-state', leader.url), {
    method: 'POST',
    dispatcher: c.from('node-01'),
    headers: { 'fleet-lock-protocol': 'true', ...secrets },
    body: JSON.stringify({ client_params: { id: c.zincatiIdOf('node-01'), group: 'default' } }),
  });
  t.equal(refusal.statusCode, 503);
  const answer = await refusal.body.text();
  t.match(answer, /could not update node node-01: .*socket hang up/, 'the refusal says what failed');
  t.notOk(answer.includes(kubeToken), 'and the answer carries no token either');
  dropped.remove();
  const failing = c.sim.faults.inject({ verb: 'patch', resource: 'nodes', status: 500 });
  t.equal(await send(c, leader.url, 'steady-state', 'node-01', secrets), 503);
  failing.remove();
  c.sim.faults.dropWatches();
  // Whatever a library error carries (its request, headers, kubeconfig user) stays out of the log.
  const libraryError = Object.assign(new Error('connect ECONNREFUSED'), {
    options: { headers: { Authorization: `Bearer ${kubeToken}` } },
    cause: { user: { token: kubeToken } },
  });
  log.logger.error({ err: libraryError }, 'a library failure');
  log.logger.warn({ headers: { authorization: `Bearer ${kubeToken}` }, user: { name: 'sa', token: kubeToken }, token: kubeToken }, 'fields named like credentials');

  const everything = log.raw.join('');
  t.match(everything, /writing node failed/, 'the API failure was logged');
  t.match(everything, /connect ECONNREFUSED/, 'the library error is logged by its message');
  for (const secret of [kubeToken, 'header-secret-7f3a', 'cookie-secret-91bc']) t.notOk(everything.includes(secret), `${secret.slice(0, 12)}... is not in the log`);
  const fields = log.lines().find((l) => l.msg === 'fields named like credentials');
  t.match(fields, { headers: { authorization: '[redacted]' }, user: { name: 'sa', token: '[redacted]' }, token: '[redacted]' });
});

void t.test('the terminal format is one readable line per record, reqId up front', async (t) => {
  const line = prettyLine({ level: 30, time: Date.UTC(2025, 0, 2, 3, 4, 5, 6), msg: 'fleetlock refusal', reqId: 'r-1', kind: 'slots_full', value: 'all 1 slot(s) held', pid: 1 });
  t.equal(line, '03:04:05.006 INFO  [r-1] fleetlock refusal kind=slots_full value="all 1 slot(s) held"\n');
});
