// Notifications from a running server: what each slot transition sends, drains blocked too long, and a receiver that
// never answers while FleetLock answers go on.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import t, { type Test } from 'tap';
import { createLogger } from '../../src/logging/logger.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { addPdb, addReplicaSet, startDrainCluster } from '../support/drain-cluster.js';
import { scrape } from '../support/metrics.js';
import { createRequest, phaseOf } from '../support/requests.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

/** Writes the files (name: content) in a fresh folder; returns the folder. Not t.testdir(): startCluster empties that. */
function files(t: Test, contents: Record<string, string>): string {
  const dir = mkdtempSync(`${tmpdir()}/notify-`);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(contents)) writeFileSync(`${dir}/${name}`, text);
  return dir;
}

const notifyConfig = (t: Test, yaml: string): string[] => ['--notify-config', `${files(t, { 'notify.yaml': yaml })}/notify.yaml`];

function captureLogs(): { logger: ReturnType<typeof createLogger>; raw: string[] } {
  const raw: string[] = [];
  return { raw, logger: createLogger({ level: 'trace', destination: { write: (line: string) => void raw.push(line) } }) };
}

/** A full reboot of an empty node as Zincati does it: pre-reboot (granted), reboot, steady-state. */
async function reboot(c: TestCluster, node: string): Promise<void> {
  const granted = await c.preReboot(node);
  if (!granted.ok) throw new Error(`${node} not granted: ${JSON.stringify(granted)}`);
  c.kubeletReports(node, Date.now() + 2000); // its kubelet reports after the steady-state to come
  const steady = await c.steadyState(node);
  if (!steady.ok) throw new Error(`${node} steady-state refused`);
  await c.sim.store.waitFor(() => !c.holders().includes(node), { description: `release of ${node}` });
}

const kindsOf = (r: WebhookReceiver): unknown[] => r.received.map((x) => `${String(x.body.kind)} ${String(x.body.node)}`);

void t.test('claim, grant and release reach each receiver in its format; a release by hand too', async (t) => {
  const json = await startWebhookReceiver(t);
  const slack = await startWebhookReceiver(t);
  const secret = files(t, { url: `${slack.url}\n` });
  const logs = captureLogs();
  const flags = notifyConfig(
    t,
    `receivers:
  - name: audit
    format: json
    url: ${json.url}
  - name: ops-slack
    format: slack
    urlFile: ${secret}/url
    on: [release]
    template: "[test] {{node}}: {{kind}} ({{code}}) {{reason}}"
`,
  );
  const c = await startCluster(t, { nodes: 2, flags, logger: logs.logger });
  await reboot(c, 'node-01');
  t.same(await c.preReboot('node-02'), { ok: true, status: 200 });
  t.match(await c.releaseByHand('node-02'), { released: true });

  const received = await json.arrived(6);
  t.same(kindsOf(json), ['claim node-01', 'grant node-01', 'release node-01', 'claim node-02', 'grant node-02', 'release node-02']);
  const fleetlock = { kind: 'fleetlock', id: c.zincatiIdOf('node-01') };
  t.match(received[0]?.body, { kind: 'claim', node: 'node-01', group: 'default', source: fleetlock, at: /^\d{4}-\d\d-\d\dT/, text: `node-01 claimed a reboot slot in group default (FleetLock id ${fleetlock.id})` });
  t.match(received[2]?.body, { kind: 'release', node: 'node-01', code: 'steady_state', reason: 'the node reported steady state' });
  t.match(received[5]?.body, { kind: 'release', node: 'node-02', code: 'manual', reason: 'released by hand (reboot-manager release)' });
  await slack.arrived(2);
  t.same(
    slack.received.map((r) => r.body),
    [{ text: '[test] node-01: release (steady_state) the node reported steady state' }, { text: '[test] node-02: release (manual) released by hand (reboot-manager release)' }],
    'Slack gets the releases only, templated',
  );
  const lines = logs.raw.join('');
  t.match(lines, /"receivers":\["audit","ops-slack"\].*"msg":"webhook notifications on"/, 'the start names the receivers');
  t.notOk(lines.includes(json.secret) || lines.includes(slack.secret), 'no receiver URL in any log line');
});

void t.test('a MaintenanceRequest is named as the source of its claim and its approval', async (t) => {
  const receiver = await startWebhookReceiver(t);
  const c = await startDrainCluster(t, { nodes: 2, flags: notifyConfig(t, `receivers:\n  - name: ops\n    format: json\n    url: ${receiver.url}\n`) });
  createRequest(c.sim, 'disk', { nodeName: 'node-02' });
  await phaseOf(c.sim, 'disk', 'Approved');
  const [claimed, granted] = await receiver.arrived(2);
  const source = { kind: 'request', name: 'disk' };
  t.match(claimed?.body, { kind: 'claim', node: 'node-02', source, text: 'node-02 claimed a reboot slot in group default (MaintenanceRequest disk)' });
  t.match(granted?.body, { kind: 'grant', node: 'node-02', source, text: 'node-02 is drained and may reboot now (MaintenanceRequest disk)' });
});

void t.test('a drain whose blockers stay the same past drainBlockedAfter is reported once, naming them', async (t) => {
  const receiver = await startWebhookReceiver(t);
  const flags = notifyConfig(t, `drainBlockedAfter: 1s\nreceivers:\n  - name: ops\n    format: json\n    url: ${receiver.url}\n    on: [drain-blocked]\n`);
  const c = await startDrainCluster(t, { nodes: 2, flags });
  addReplicaSet(c, 'shop', 'web', ['node-01', 'node-01', 'node-02']);
  addPdb(c, 'shop', 'web', 'web', 2);
  t.match(await c.preReboot('node-01'), { ok: false, kind: 'draining' });
  const [blocked] = await receiver.arrived(1);
  t.match(blocked?.body, { kind: 'drain-blocked', node: 'node-01', blockers: ['PodDisruptionBudget shop/web'], text: /^node-01's drain has been blocked for \d+s by: PodDisruptionBudget shop\/web$/ });
  t.ok(Date.parse(String(blocked?.body.at)) - Date.parse(String(blocked?.body.since)) >= 1000, 'after at least drainBlockedAfter');
});

void t.test('a node refused a slot past rebootsBlockedAfter is reported once, with why it waits', async (t) => {
  const receiver = await startWebhookReceiver(t);
  const flags = notifyConfig(t, `rebootsBlockedAfter: 1s\nreceivers:\n  - name: ops\n    format: slack\n    url: ${receiver.url}\n    on: [reboots-blocked]\n    template: "{{node}} waits ({{code}}, {{refusals}} refusals): {{reason}}"\n`);
  const c = await startCluster(t, { nodes: 2, flags });
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 });
  const refused = await c.preReboot('node-02');
  t.match(refused, { ok: false, kind: 'slots_full' });
  const [told] = await receiver.arrived(1);
  t.same(told?.body, { text: `node-02 waits (slots_full, 1 refusals): ${refused.ok ? '' : refused.value}` });
});

void t.test('a receiver that never answers slows no FleetLock answer: its queue fills, drops the oldest and counts', async (t) => {
  const receiver = await startWebhookReceiver(t, { otherwise: 'hang' });
  const logs = captureLogs();
  const flags = notifyConfig(t, `receivers:\n  - name: stuck\n    format: json\n    url: ${receiver.url}\n    timeout: 1h\n    retries: 0\n    queue: 2\n`);
  const c = await startCluster(t, { nodes: 3, flags, logger: logs.logger });
  // Nine happenings (a claim, a grant and a release per node) while the first is never answered.
  for (const node of c.nodeNames) await reboot(c, node);
  t.equal(receiver.received.length, 1, 'one request is hanging: nothing else was sent');
  const metrics = await scrape((await c.leader()).internalUrl);
  t.equal(metrics.value('reboot_manager_notifications_dropped_total', { receiver: 'stuck' }), 6, 'one in flight, the last two queued, six dropped');
  t.equal(metrics.value('reboot_manager_notifications_total', { receiver: 'stuck', result: 'sent' }), 0);
  t.match(logs.raw.join(''), /"receiver":"stuck","queue":2,"msg":"notification queue full: dropping the oldest"/);
  t.notOk(logs.raw.join('').includes(receiver.secret), 'no receiver URL in any log line');
});
