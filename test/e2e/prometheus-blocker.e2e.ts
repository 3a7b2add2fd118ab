// An alert blocker on a real Prometheus (Debian's package): a rule the test makes fire blocks new claims (the rule alone, then
// through the server on a real control plane), and once the rule is changed and Prometheus reloaded, they go.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { pino } from 'pino';
import { request } from 'undici';
import { pollUntil } from '../../kit/poll.js';
import { freePort } from '../../kit/ports.js';
import { supervise, type SupervisedProcess } from '../../kit/process.js';
import type { AlertState } from '../../src/blockers/alert-poller.js';
import { Blockers } from '../../src/blockers/blocker-rule.js';
import { systemClock } from '../../src/clock/clock.js';
import { toNodeView } from '../../src/kube/node-view.js';
import { machineIdFor, makeNode } from '../../src/sim/kube/fixtures.js';
import { createMemoryCluster } from '../../src/sim/kube/memory-api.js';
import { withBlockers } from '../support/blocker-rig.js';
import type { FakeNode } from '../../kit/nodes.js';
import { startE2eCluster } from './support/e2e-cluster.js';
import { preRebootUntilGranted, refusal, zincati } from './support/fleetlock.js';
import { leaderOf, startReplica } from './support/replicas.js';

const PROMETHEUS = '/usr/bin/prometheus';

/** Our alert fires (`vector(1)` always has a sample) or not (`vector(1) < 0` never has one). */
const rules = (fires: boolean): string => `groups:
  - name: reboot-manager-e2e
    interval: 1s
    rules:
      - alert: RebootBlockerTest
        expr: ${fires ? 'vector(1)' : 'vector(1) < 0'}
        labels: { severity: critical }
      - alert: NeverFires
        expr: vector(1) < 0
        labels: { severity: critical }
      - alert: OnlyAWarning
        expr: vector(1)
        labels: { severity: warning }
`;

/** Prometheus picks up the rules file as it now is. */
async function reloadRules(url: string): Promise<string> {
  const reload = await request(`${url}/-/reload`, { method: 'POST' });
  const body = await reload.body.text();
  return reload.statusCode === 200 ? '' : `${reload.statusCode} ${body}`;
}

async function startPrometheus(t: Test, dir: string): Promise<{ url: string; process: SupervisedProcess }> {
  await writeFile(join(dir, 'rules.yml'), rules(true));
  await writeFile(join(dir, 'prometheus.yml'), 'global:\n  evaluation_interval: 1s\n  scrape_interval: 1m\nrule_files: [rules.yml]\n');
  const port = await freePort();
  const process = supervise('prometheus', join(dir, 'prometheus.log'), PROMETHEUS, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-lifecycle',
  ]);
  t.teardown(() => process.stop());
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  void process.exited.then(() => (exited = true));
  await pollUntil('Prometheus to be ready', async () => {
    if (exited) throw new Error(`prometheus exited; its log ends:\n${process.tail()}`);
    const r = await request(`${url}/-/ready`).catch(() => undefined);
    await r?.body.dump();
    return r?.statusCode === 200;
  }, { timeoutMs: 60_000, intervalMs: 100 });
  return { url, process };
}

/** The blocker's state once `ok` holds, waiting on each of its answers in turn (never a fixed sleep). */
async function answerWhere(rule: Blockers, name: string, ok: (s: AlertState) => boolean, timeoutMs = 60_000): Promise<AlertState> {
  const deadline = Date.now() + timeoutMs;
  const poller = rule.poller(name);
  if (!poller) throw new Error(`no alert blocker ${name}`);
  for (let state = poller.state; ; state = await poller.nextCheck()) {
    if (ok(state)) return state;
    if (Date.now() > deadline) throw new Error(`alert blocker ${name}: still ${JSON.stringify(state)} after ${timeoutMs} ms`);
  }
}

const absent = !existsSync(PROMETHEUS);
const skip = absent && !process.env.CI ? `${PROMETHEUS} is not installed (Debian package prometheus); this test runs in CI` : false;

void t.test('a firing Prometheus alert blocks new claims until the rule stops firing', { skip }, async (t) => {
  if (absent) throw new Error(`${PROMETHEUS} is missing: .ci/run installs the Debian package prometheus`);
  const dir = t.testdir(); // once: each call makes the folder afresh
  const prometheus = await startPrometheus(t, dir);
  const cluster = createMemoryCluster();
  t.teardown(() => cluster.close());
  const rule = new Blockers({ api: cluster.api(), clock: systemClock, log: pino({ level: 'silent' }) });
  t.teardown(() => rule.stop());
  const blockers = { alerts: [{ name: 'critical', url: prometheus.url, intervalSeconds: 5, timeoutSeconds: 5, selector: { matchLabels: { severity: 'critical' } } }] };
  rule.update(withBlockers(blockers));
  const asking = { node: toNodeView(makeNode({ name: 'node-1', machineID: machineIdFor(1) })), group: 'default', now: Date.now(), pools: [], urgent: false };

  const firing = await answerWhere(rule, 'critical', (s) => s.status === 'firing');
  t.same(firing.matching.map((a) => a.labels.alertname), ['RebootBlockerTest'], 'the firing critical alert, not the warning nor the one that never fires');
  t.same(rule.reasons(asking), [{ rule: 'blocker', message: 'alerts "critical": RebootBlockerTest' }]);
  t.same(rule.reasons({ ...asking, urgent: true }), [], 'an urgent asker goes anyway');

  await writeFile(join(dir, 'rules.yml'), rules(false));
  t.equal(await reloadRules(prometheus.url), '', 'Prometheus reloaded its rules');
  const clear = await answerWhere(rule, 'critical', (s) => s.status === 'clear');
  t.same(clear.matching, []);
  t.same(rule.reasons(asking), [], 'the blocker lets claims go');
  t.match(rule.view(), [{ kind: 'alerts', name: 'critical', status: 'clear', blocking: false, url: prometheus.url }]);
});

void t.test('the server refuses a pre-reboot while the alert fires, and grants it once it stops', { skip }, async (t) => {
  if (absent) throw new Error(`${PROMETHEUS} is missing: .ci/run installs the Debian package prometheus`);
  const dir = t.testdir();
  const prometheus = await startPrometheus(t, dir);
  const cluster = await startE2eCluster(t, { nodes: 1 });
  const replica = await startReplica(t, cluster, 'replica-a');
  await leaderOf([replica]);
  const spec = { blockers: { alerts: [{ name: 'critical', url: prometheus.url, intervalSeconds: 5, timeoutSeconds: 5, selector: { matchLabels: { severity: 'critical' } } }] } };
  await cluster.plane.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'rebootmanager.io/v1alpha1', kind: 'RebootPolicy', metadata: { name: 'default' }, spec }) });
  const z1 = zincati(replica.url, cluster.nodes[0] as FakeNode);
  t.teardown(() => z1.close());
  const blocked = await pollUntil('a refusal naming the firing alert', async () => {
    const r = await z1.preReboot();
    return !r.ok && r.kind === 'blocked' && r.value.includes('RebootBlockerTest') ? r : undefined;
  }, { timeoutMs: 60_000, intervalMs: 300 });
  t.equal(refusal(blocked), '423 blocked: blocker: alerts "critical": RebootBlockerTest', 'refused blocked, naming the blocker and the alert');

  await writeFile(join(dir, 'rules.yml'), rules(false));
  t.equal(await reloadRules(prometheus.url), '', 'Prometheus reloaded its rules');
  await preRebootUntilGranted(z1, ['blocked', 'draining']);
  t.pass('granted once the alert stopped firing');
});
