// Alert blockers against a stand-in Prometheus and Alertmanager on 127.0.0.1: asked in the background,
// filtered by the blocker's selector, answered from the last answer.
import t from 'tap';
import { json, prometheusAlerts, startAlertServer } from '../support/alert-server.js';
import { blockerRig } from '../support/blocker-rig.js';

const CRASHLOOP = { alertname: 'KubePodCrashLooping', severity: 'critical', namespace: 'shop' };
const DISK = { alertname: 'DiskFilling', severity: 'warning', instance: 'node-2' };

void t.test('Prometheus: a firing alert the selector matches blocks; pending or unmatched ones do not', async (t) => {
  const s = blockerRig(t);
  const prom = await startAlertServer(t);
  prom.answer = prometheusAlerts([
    { labels: CRASHLOOP, state: 'firing' },
    { labels: DISK, state: 'firing' },
    { labels: { alertname: 'NodeDown', severity: 'critical' }, state: 'pending' },
  ]);
  s.apply({ alerts: [{ name: 'critical', url: prom.url, selector: { matchLabels: { severity: 'critical' } } }] });
  t.same(s.messages(), [`blocker: alerts "critical": Prometheus at ${prom.url} has not answered yet (onError Block)`], 'before the first answer, onError decides');

  const firing = await s.next('critical');
  t.equal(firing.status, 'firing');
  t.same(prom.requests, ['/api/v1/alerts']);
  t.same(s.messages(), ['blocker: alerts "critical": KubePodCrashLooping{namespace=shop}'], 'named without the label the selector fixes');
  t.same(s.messages(true), [], 'an urgent asker is not blocked');
  t.same(s.rule.view(), [
    { kind: 'alerts', name: 'critical', api: 'prometheus', url: prom.url, onError: 'block', status: 'firing', blocking: true, alerts: [{ labels: CRASHLOOP }], alertCount: 1, message: 'alerts "critical": KubePodCrashLooping{namespace=shop}', checkedAt: s.clock.now() },
  ]);

  prom.answer = prometheusAlerts([{ labels: DISK, state: 'firing' }, { labels: CRASHLOOP, state: 'pending' }]);
  t.equal((await s.next('critical', 29_999 + 1)).status, 'clear', 'asked again after the interval');
  t.same(s.messages(), []);
  t.same(prom.requests.length, 2, 'once per interval');
  t.same(
    s.lines.map((l) => l.msg),
    ['alert blocker "critical": KubePodCrashLooping{namespace=shop} firing; blocking new claims', 'alert blocker "critical": no matching alert fires any more; not blocking'],
  );
});

void t.test('Alertmanager: active, unsilenced alerts, filtered by expressions over their labels', async (t) => {
  const s = blockerRig(t);
  const am = await startAlertServer(t);
  am.answer = json([
    { labels: { alertname: 'Watchdog', severity: 'none' }, status: { state: 'active', silencedBy: [], inhibitedBy: [] } },
    { labels: { alertname: 'EtcdNoLeader', severity: 'critical', cluster: 'prod' }, status: { state: 'active', silencedBy: [], inhibitedBy: [] } },
    { labels: { alertname: 'Muted', severity: 'critical' }, status: { state: 'suppressed', silencedBy: ['x'], inhibitedBy: [] } },
  ]);
  s.apply({ alerts: [{ name: 'am', url: `${am.url}/alertmanager/`, api: 'Alertmanager', selector: { matchExpressions: [{ key: 'alertname', operator: 'NotIn', values: ['Watchdog'] }] } }] });
  t.equal((await s.next('am')).status, 'firing');
  t.same(am.requests, ['/alertmanager/api/v2/alerts?active=true&silenced=false&inhibited=false'], 'under the base path, only active alerts nobody silenced or inhibited');
  t.same(s.messages(), ['blocker: alerts "am": EtcdNoLeader{cluster=prod,severity=critical}']);
});

void t.test('more than three matching alerts: three named, the rest counted', async (t) => {
  const s = blockerRig(t);
  const prom = await startAlertServer(t);
  prom.answer = prometheusAlerts(['A', 'B', 'C', 'D', 'E'].map((alertname) => ({ labels: { alertname }, state: 'firing' as const })));
  s.apply({ alerts: [{ name: 'all', url: prom.url }] });
  await s.next('all');
  t.same(s.messages(), ['blocker: alerts "all": A, B, C and 2 more'], 'an empty selector matches every firing alert');
});

void t.test('the policy losing an alert blocker stops its questions; changing one restarts only that one', async (t) => {
  const s = blockerRig(t);
  const one = await startAlertServer(t);
  const two = await startAlertServer(t);
  one.answer = prometheusAlerts([{ labels: CRASHLOOP, state: 'firing' }]);
  const first = { name: 'one', url: one.url, selector: { matchLabels: { severity: 'critical' } } };
  s.apply({ alerts: [first, { name: 'two', url: two.url }] });
  await Promise.all([s.next('one'), s.next('two')]);

  s.apply({ alerts: [first, { name: 'two', url: two.url, intervalSeconds: 60 }] });
  await s.next('two');
  t.same([one.requests.length, two.requests.length], [1, 2], 'the changed blocker asks at once; the other one is left alone');
  t.same(s.messages(), ['blocker: alerts "one": KubePodCrashLooping{namespace=shop}'], 'and keeps its answer');

  s.apply({});
  s.clock.advance(600_000);
  t.same([one.requests.length, two.requests.length], [1, 2], 'no more questions once the policy drops them');
  t.same(s.messages(), []);
  t.same(s.rule.view(), []);
});
