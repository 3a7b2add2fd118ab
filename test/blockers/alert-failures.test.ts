// An alert source that fails: onError Block holds claims back, onError Proceed lets them go, and the log
// says which, once per change rather than once per question.
import { createServer } from 'node:net';
import t from 'tap';
import { MAX_ALERTS_BODY_BYTES } from '../../src/blockers/alert-query.js';
import { json, prometheusAlerts, startAlertServer, type AlertServer } from '../support/alert-server.js';
import { blockerRig } from '../support/blocker-rig.js';

const both = (url: string, extra: object = {}) => ({
  alerts: [
    { name: 'strict', url, ...extra },
    { name: 'lenient', url, onError: 'Proceed', ...extra },
  ],
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

void t.test('a server error blocks with onError Block, not with Proceed; logged once per change', async (t) => {
  const s = blockerRig(t);
  const prom = await startAlertServer(t);
  prom.answer = json({ status: 'error', errorType: 'unavailable', error: 'TSDB not ready' }, 503);
  s.apply(both(prom.url));
  const [strict, lenient] = await Promise.all([s.next('strict'), s.next('lenient')]);
  t.match(strict, { status: 'error', blocks: true, errorCode: 'ERR_ALERTS_HTTP' });
  t.match(lenient, { status: 'error', blocks: false });
  t.same(s.messages(), [`blocker: alerts "strict": Prometheus at ${prom.url} answered 503: TSDB not ready (onError Block)`]);
  t.same(s.warnings().sort(), [
    `alert blocker "lenient": Prometheus at ${prom.url} answered 503: TSDB not ready; proceeding as if no alert fired (onError Proceed)`,
    `alert blocker "strict": Prometheus at ${prom.url} answered 503: TSDB not ready; blocking new claims (onError Block)`,
  ]);
  t.match(s.rule.view(), [{ name: 'strict', status: 'error', blocking: true, error: /answered 503/ }, { name: 'lenient', status: 'error', blocking: false }], 'the status page shows both');

  for (let i = 0; i < 3; i++) await Promise.all([s.next('strict', 30_000), s.next('lenient')]);
  t.equal(prom.requests.length, 8, 'asked again every interval');
  t.equal(s.warnings().length, 2, 'the same failure is not logged again');

  prom.answer = prometheusAlerts([]);
  await Promise.all([s.next('strict', 30_000), s.next('lenient')]);
  t.same(s.messages(), [], 'an answer clears the failure');
  t.equal(s.lines.filter((l) => l.msg.endsWith('no matching alert fires any more; not blocking')).length, 2, 'and the recovery is logged');
});

void t.test('an answer that is not an alerts document is a failure too', async (t) => {
  const s = blockerRig(t);
  const prom = await startAlertServer(t);
  prom.answer = (_req, res) => void res.end('<html>login</html>');
  s.apply(both(prom.url));
  t.match(await s.next('strict'), { status: 'error', errorCode: 'ERR_ALERTS_MALFORMED', error: /answered something that is not JSON/ });
  prom.answer = json({ status: 'success', data: { alerts: [{ labels: { alertname: 1 }, state: 'firing' }] } });
  t.match(await s.next('strict', 30_000), { status: 'error', errorCode: 'ERR_ALERTS_MALFORMED', error: /without string labels/ });
});

void t.test('a server that never answers times out: Block blocks, Proceed proceeds', async (t) => {
  const s = blockerRig(t);
  const prom: AlertServer = await startAlertServer(t);
  prom.answer = () => {}; // accepts the request, never answers
  s.apply(both(prom.url, { timeoutSeconds: 2 }));
  await prom.request(2);
  const [strict, lenient] = await Promise.all([s.next('strict', 2_000), s.next('lenient')]);
  t.match(strict, { status: 'error', blocks: true, errorCode: 'ERR_ALERTS_TIMEOUT' });
  t.match(lenient, { status: 'error', blocks: false, errorCode: 'ERR_ALERTS_TIMEOUT' });
  t.same(s.messages(), [`blocker: alerts "strict": Prometheus at ${prom.url} did not answer within 2 s (onError Block)`]);
  t.ok(s.warnings().some((w) => w.endsWith('did not answer within 2 s; proceeding as if no alert fired (onError Proceed)')));
});

void t.test('an unreachable server is a failure that names it', async (t) => {
  const s = blockerRig(t);
  const url = `http://127.0.0.1:${await closedPort()}`;
  s.apply(both(url));
  await Promise.all([s.next('strict'), s.next('lenient')]);
  t.match(s.messages(), [new RegExp(`^blocker: alerts "strict": Prometheus at ${url.replaceAll('.', '\\.')} unreachable: .*ECONNREFUSED.* \\(onError Block\\)$`)]);
});

void t.test('an answer larger than the limit is refused, with or without a length announced', async (t) => {
  const s = blockerRig(t);
  const prom = await startAlertServer(t);
  const big = JSON.stringify({ status: 'success', data: { alerts: [{ labels: { alertname: 'X', pad: 'x'.repeat(MAX_ALERTS_BODY_BYTES) }, state: 'firing' }] } });
  prom.answer = json(JSON.parse(big));
  s.apply({ alerts: [{ name: 'strict', url: prom.url }] });
  t.match(await s.next('strict'), { status: 'error', blocks: true, errorCode: 'ERR_ALERTS_TOO_LARGE', error: /answered \d+ bytes, more than 4194304: refused/ });

  prom.answer = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no length announced
    for (let at = 0; at < big.length; at += 64 * 1024) res.write(big.slice(at, at + 64 * 1024));
    res.end();
  };
  t.match(await s.next('strict', 30_000), { status: 'error', blocks: true, errorCode: 'ERR_ALERTS_TOO_LARGE', error: /answered more than 4194304 bytes: refused/ });
  t.match(s.messages(), [/^blocker: alerts "strict": Prometheus at .* answered more than 4194304 bytes: refused \(onError Block\)$/]);
});
