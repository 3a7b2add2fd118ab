import t from 'tap';
import { playDemo } from '../../src/sim/demo.js';
import { describeNodeChange } from '../../src/sim/demo/story.js';
import { summarize, type NodeOutcome } from '../../src/sim/demo/summary.js';

const node = (name: string, updated: boolean, extra: Partial<NodeOutcome> = {}): NodeOutcome => ({
  name,
  bootIdBefore: `${name}-boot-1`,
  bootIdAfter: updated ? `${name}-boot-2` : `${name}-boot-1`,
  ready: true,
  holdsSlot: false,
  ...extra,
});

void t.test('the summary passes only when every node rebooted and the limit held', (t) => {
  const good = summarize({ nodes: [node('a', true), node('b', true)], maxHolders: 1, allowed: 1, elapsedMs: 4200, errors: [] });
  t.equal(good.ok, true);
  t.equal(good.updated, 2);
  t.match(good.text, /nodes updated \(rebooted, new bootID\): 2\/2/);
  t.match(good.text, /most nodes holding a slot at once: +1 \(allowed 1\)/);
  t.match(good.text, /total time: +4\.2 s/);

  const missing = summarize({ nodes: [node('a', true), node('b', false, { holdsSlot: true, ready: false })], maxHolders: 1, allowed: 1, elapsedMs: 1, errors: [] });
  t.equal(missing.ok, false, 'a node without a new bootID fails the demo');
  t.match(missing.text, /not updated: b/);
  t.match(missing.text, /b \(holds a slot\) \(not Ready\)/);

  const over = summarize({ nodes: [node('a', true), node('b', true)], maxHolders: 2, allowed: 1, elapsedMs: 1, errors: [] });
  t.equal(over.ok, false, 'more holders than allowed fails the demo');
  t.equal(over.limitKept, false);
  t.match(over.text, /LIMIT EXCEEDED/);

  const noBoot = summarize({ nodes: [node('a', false, { bootIdBefore: '', bootIdAfter: '' })], maxHolders: 0, allowed: 1, elapsedMs: 1, errors: [] });
  t.equal(noBoot.ok, false, 'a node with no bootID at all is not counted as updated');
  t.end();
});

void t.test('the story tells a claim, a reboot and a release', (t) => {
  const base = { metadata: { name: 'n', annotations: {} }, spec: {}, status: { nodeInfo: { bootID: 'aaaaaaaa-1' }, conditions: [{ type: 'Ready', status: 'True' }] } };
  const claimed = { ...base, metadata: { name: 'n', annotations: { 'rebootmanager/status': 'Rebooting', 'rebootmanager/group': 'default' } } };
  t.match(describeNodeChange(base, claimed, { count: 1, allowed: 1 }), [/claimed a reboot slot in group default \(1\/1 slots taken\)/]);
  const down = { ...claimed, status: { nodeInfo: { bootID: 'bbbbbbbb-2' }, conditions: [{ type: 'Ready', status: 'False' }] } };
  t.match(describeNodeChange(claimed, down, { count: 1, allowed: 1 }), [/went down to reboot: new bootID bbbbbbbb/]);
  const back = { ...base, status: { nodeInfo: { bootID: 'bbbbbbbb-2' }, conditions: [{ type: 'Ready', status: 'True' }] } };
  t.match(describeNodeChange(down, back, { count: 0, allowed: 1 }), [/kubelet Ready again/, /slot released \(0\/1 slots taken\)/]);
  t.end();
});

void t.test('the demo rolls an update through a small cluster and says so', async (t) => {
  let out = '';
  const { outcome, summary } = await playDemo(['--nodes', '3', '--max-rebooting', '1', '--time-scale', '3000'], (text) => {
    out += text;
  });
  const code = summary.ok ? 0 : 1;
  if (code !== 0) t.comment(out);
  t.equal(code, 0, 'the demo exits 0');
  t.match(out, /curl --interface 127\.1\.0\.\d+ -X POST -H 'fleet-lock-protocol: true' -d '\{"client_params":\{"id":"[0-9a-f]{32}","group":"default"\}\}' http:\/\/127\.0\.0\.1:\d+\/v1\/pre-reboot/, 'the curl line sends from the node\'s own address');
  t.match(out, /nodes updated \(rebooted, new bootID\): 3\/3/);
  t.match(out, /most nodes holding a slot at once: +1 \(allowed 1\)/);
  for (const name of ['node-1', 'node-2', 'node-3']) t.match(out, new RegExp(`${name} +slot released`));

  // The drains moved the apps' pods: each eviction the API server granted shows as a pod leaving, and no app went below its budget.
  const work = outcome.workloads;
  t.ok(work && work.evicted > 0, 'the drains evicted pods');
  t.equal(work?.evicted, work?.evictionsGranted, 'pods seen leaving = evictions the API server granted');
  t.same(work?.apps.map((a) => a.app), ['shop/web', 'shop/api', 'shop/db']);
  for (const a of work?.apps ?? []) t.ok(a.fewestReady >= a.minAvailable && a.fewestReady <= a.desired, `${a.app} kept ${a.fewestReady}/${a.desired} ready, at least its budget's ${a.minAvailable}`);
  t.match(out, new RegExp(`pods evicted: +${work?.evicted}\n`));
  t.match(out, /evicted \S+ \(shop\/(web|api|db)\), back on node-\d/, 'the story says where an evicted pod came back');
  for (const node of outcome.nodes) t.ok((node.reboots ?? []).length > 0, `${node.name} has a time from claim to release`);
  t.match(out, /time per node, claim to release:\n {4}node-1 +\d+\.\d\d s \(/);
  t.match(out, /Azure scheduled events completed: +1\/1/, 'the Azure event completed');
  const azureLines = out.split('\n').filter((line) => /node-2 +(azure|imds-agent|claimed a reboot slot in group azure|drained)/.test(line));
  // On a slow machine the event may come while node-2 still holds its Zincati slot: the server answers from that slot, no new claim.
  const claimedForAzure = azureLines.some((line) => line.includes('claimed a reboot slot in group azure'));
  // The Reboot starts when the agent approves it or, when the drain outlasts the notice (workloads on a slow machine), at NotBefore.
  const started = /azure: (the agent approved the Reboot|NotBefore reached: starting the Reboot)/;
  const order: (string | RegExp)[] = ['azure: Reboot scheduled for VM vmss_2', ...(claimedForAzure ? ['claimed a reboot slot in group azure'] : []), 'drained', started, 'azure: Reboot done'];
  const positions = order.map((text) => azureLines.findIndex((line) => (typeof text === 'string' ? line.includes(text) : text.test(line))));
  t.ok(positions.every((p, i) => p >= 0 && (i === 0 || p > (positions[i - 1] ?? -1))), `the Azure node is claimed, drained, started and done in order:\n${azureLines.join('\n')}`);
});

void t.test('an urgent holder may take the total over the budget; nothing else may, and every Azure event must complete', (t) => {
  const nodes = [node('a', true), node('b', true)];
  const urgent = summarize({ nodes, maxHolders: 2, maxNonUrgent: 1, maxWithoutUrgent: 1, allowed: 1, elapsedMs: 1, errors: [] });
  t.equal(urgent.ok, true);
  t.match(urgent.text, /most nodes holding a slot at once: +2 \(allowed 1\) +\(over it only through the urgent path\)/);
  const twoOrdinary = summarize({ nodes, maxHolders: 2, maxNonUrgent: 2, maxWithoutUrgent: 1, allowed: 1, elapsedMs: 1, errors: [] });
  t.equal(twoOrdinary.ok, false, 'two holders outside the urgent group exceed the budget');
  const withoutUrgent = summarize({ nodes, maxHolders: 2, maxNonUrgent: 1, maxWithoutUrgent: 2, allowed: 1, elapsedMs: 1, errors: [] });
  t.equal(withoutUrgent.ok, false, 'two holders with no urgent one among them exceed the budget');
  const azure = summarize({ nodes, maxHolders: 1, allowed: 1, elapsedMs: 1, errors: [], azure: [{ node: 'b', eventType: 'Reboot', completed: false, how: 'did not finish' }] });
  t.equal(azure.ok, false, 'an Azure event that did not complete fails the demo');
  t.match(azure.text, /Azure scheduled events completed: +0\/1/);
  t.match(azure.text, /Azure events not completed: Reboot on b/);
  const azureRebootOnly = summarize({ nodes: [node('a', true, { zincatiRebooted: false })], maxHolders: 1, allowed: 1, elapsedMs: 1, errors: [] });
  t.equal(azureRebootOnly.updated, 0, 'a node only Azure rebooted is not counted as updated');
  t.end();
});

void t.test('the summary fails when an app went below its budget or evictions do not add up', (t) => {
  const nodes = [node('a', true, { reboots: [{ group: 'default', claimToReleaseMs: 1500 }] }), node('b', true, { reboots: [{ group: 'default', claimToReleaseMs: 500 }, { group: 'azure', claimToReleaseMs: 700 }] })];
  const apps = [{ app: 'shop/db', kind: 'StatefulSet' as const, desired: 3, minAvailable: 2, fewestReady: 2 }];
  const good = summarize({ nodes, maxHolders: 1, allowed: 1, elapsedMs: 1, errors: [], timeScale: 300, workloads: { evicted: 4, evictionsGranted: 4, apps } });
  t.equal(good.ok, true);
  t.match(good.text, /pods evicted: +4\n/);
  t.match(good.text, /shop\/db +2\/3 \(minAvailable 2\)\n/);
  t.match(good.text, /a +1\.50 s \(7m30s simulated\)\n/);
  t.match(good.text, /b +0\.50 s \(2m30s simulated\), then 0\.70 s \(3m30s simulated\) in group azure\n/);
  const broken = summarize({ nodes, maxHolders: 1, allowed: 1, elapsedMs: 1, errors: [], workloads: { evicted: 4, evictionsGranted: 4, apps: [{ ...apps[0]!, fewestReady: 1 }] } });
  t.equal(broken.ok, false, 'an app below its minAvailable fails the demo');
  t.match(broken.text, /1\/3 \(minAvailable 2\) +BUDGET BROKEN/);
  const mismatch = summarize({ nodes, maxHolders: 1, allowed: 1, elapsedMs: 1, errors: [], workloads: { evicted: 3, evictionsGranted: 4, apps } });
  t.equal(mismatch.ok, false, 'a pod that left without an eviction (or an eviction that moved nothing) fails the demo');
  t.match(mismatch.text, /MISMATCH: the API server granted 4 evictions/);
  t.end();
});
