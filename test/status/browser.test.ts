// The status page in headless Chromium: what an operator sees once the page's script has run.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import t from 'tap';
import type { NodeView } from '../../src/kube/node-view.js';
import { historyRow } from '../../src/status/history-rows.js';
import type { PolicySection } from '../../src/status/policy-section.js';
import type { RequestRow } from '../../src/status/request-rows.js';
import { NO_DRAIN } from '../../src/status/rows.js';
import { StatusService, type StatusSnapshot } from '../../src/status/snapshot.js';
import { dumpDom, requireChromium, screenshot } from '../support/chromium.js';
import { decodePng, distinctColours } from '../support/png.js';
import { facts, policyViews } from '../support/policy-views.js';
import { startDrainCluster } from '../support/drain-cluster.js';
import { createRequest, phaseOf } from '../support/requests.js';
import { startPageServer, startStatusCluster } from '../support/status-cluster.js';

/** The text of an element's HTML with tags removed (a space in their place) and entities of `&`, `<`, `>` decoded. */
function textOf(html: string): string {
  return html.replace(/<[^>]*>/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
}

/** The body rows of the table with this id, as HTML. */
function tableRows(dom: string, id: string): string[] {
  const table = new RegExp(`<table id="${id}"[^>]*>([\\s\\S]*?)</table>`).exec(dom)?.[1] ?? '';
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? '';
  return body.match(/<tr[\s\S]*?<\/tr>/g) ?? [];
}

const byId = (dom: string, id: string): string => new RegExp(`<[a-z0-9]+ id="${id}"[^>]*>([\\s\\S]*?)</`).exec(dom)?.[1] ?? '';

/** The whole content of the element with this id (its own tag not nested inside it). */
const inner = (dom: string, id: string): string => new RegExp(`<([a-z0-9]+) id="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(dom)?.[2] ?? '';

// Kept after the run (saveFixture) at a stable path: the screenshot is for a person to look at.
export const SCREENSHOT_DIR = resolve('.tap/fixtures/status-page');

void t.test('the page renders the budget, the holder with its drain progress and blocker, then the other nodes', { saveFixture: true }, async (t) => {
  await requireChromium();
  t.testdirName = SCREENSHOT_DIR;
  const c = await startStatusCluster(t);
  const leader = await c.leader();

  const dom = await dumpDom(leader.internalUrl);
  t.equal(textOf(byId(dom, 'budget-text')), '1 of 1 slot in use', 'the budget header');
  t.match(textOf(byId(dom, 'replica')), /^Served by replica-0 · leader$/);
  t.match(textOf(byId(dom, 'freshness')), /^Updated \d+s ago/);
  t.match(dom, /<div id="banner" class="banner info" role="alert" hidden="">/, 'no warning shown');

  const holders = tableRows(dom, 'holders');
  t.equal(holders.length, 1, 'one holder row');
  const holder = holders[0] ?? '';
  t.match(textOf(holder), /^node-01 FleetLock [0-9a-f]{32} default draining \d+s Ready by reboot-manager 1\/2 pods evicted; waiting on PodDisruptionBudget shop\/web$/);
  t.match(holder, '<progress max="2" value="1"', 'a progress bar');
  t.match(holder, '<mark class="blocker">waiting on PodDisruptionBudget shop/web</mark>', 'what blocks the drain is highlighted');
  t.match(holder, /<tr class="blocked">/);

  t.equal(textOf(byId(dom, 'policy-source')), 'Policy: the flags (no RebootPolicy default)');
  t.match(dom, /<div id="pause-banner" class="banner pause" role="status" hidden="">/, 'no pause');
  t.match(tableRows(dom, 'scopes').map(textOf), ['cluster 1 of 3 nodes 1/1 node-01 not counted –'], 'the flag budget (--count-unavailable off)');
  t.match(tableRows(dom, 'windows').map(textOf), ['cluster open no windows: any time –']);
  t.match(dom, /<p id="no-blockers" class="empty">No blockers configured\.<\/p>/);
  t.equal(textOf(byId(dom, 'gate-settings')), 'Off: the next claim does not wait for the workloads a drain disturbed.', 'the test cluster runs with --health-gate=false');

  const others = tableRows(dom, 'others').map(textOf);
  t.match(others, [/^node-02 Ready Ready by an admin –$/, /^node-03 Ready Ready – \d+s ago$/]);
  t.match(dom, /<p id="no-requests" class="empty">No MaintenanceRequest is live or ended in the last 24 hours\.<\/p>/);

  // The cluster made the directory already (its kubeconfig); t.testdir() again would empty it.
  const png = join(t.testdirName, 'status-page.png');
  await screenshot(leader.internalUrl, png, { width: 1200, height: 800 });
  const image = decodePng(await readFile(png));
  t.same([image.width, image.height], [1200, 800], 'IHDR says 1200x800');
  const colours = distinctColours(image);
  t.ok(colours > 50, `not a blank page: ${colours} distinct pixel values`);
  t.comment(`screenshot: ${png}`);
});

const EVIL = '<img src=x id=injected>';
const SCRIPT = '<script>window.injected=1</script>';
const ONERROR = '<img src=x onerror="window.injected=1">';

function requestRow(name: string, phase: RequestRow['phase']): RequestRow {
  const at = new Date().toISOString();
  return { name, node: '<i>node</i>', phase, requester: '', reason: '', group: '<b>g</b>', drains: true, message: '', holding: false, ...NO_DRAIN, createdAt: at, since: at, times: {}, overrunAt: null };
}

function hostilePolicy(now: string): PolicySection {
  const slots = { members: 1, allowed: 1, used: 1, holders: [EVIL], holderCount: 1, unavailable: [SCRIPT], unavailableCount: 1 };
  return {
    source: 'object',
    generation: 3,
    crdMissing: false,
    rejection: { generation: 4, field: `spec.pools[0].${SCRIPT}`, reason: EVIL, at: now, pauseApplies: true },
    countUnavailable: true,
    drainOutsideWindow: 'stop',
    pause: { reason: SCRIPT, by: '<b>mallory</b>', since: now },
    holding: [{ rule: 'blocker', message: EVIL, until: now }],
    cluster: { maxUnavailable: 1, ...slots, topology: { key: '<i>zone</i>', maxUnavailable: 1, values: [{ value: '<b>z</b>', ...slots }] } },
    pools: [{ name: '<b>pool</b>', nodeSelector: '<i>sel</i>', paused: true, maxUnavailable: '50%', ...slots, topology: null }],
    windows: [{ scope: '<b>cluster</b>', pool: null, open: false, closesAt: null, opensAt: now, next: SCRIPT, windows: [EVIL] }],
    blockers: [
      { kind: 'pods', name: '<b>pods</b>', namespace: SCRIPT, scope: 'cluster', selector: EVIL, synced: true, blocking: true, pods: [{ namespace: SCRIPT, name: EVIL, nodeName: '<i>n</i>', phase: 'Running' }], podCount: 1, message: EVIL, error: SCRIPT, errorAt: now },
      { kind: 'alerts', name: '<b>alerts</b>', api: 'prometheus', url: 'http://<b>p</b>', onError: 'block', status: 'firing', blocking: true, alerts: [{ labels: { alertname: EVIL, [SCRIPT]: '<i>v</i>' } }], alertCount: 1, message: EVIL, error: '', checkedAt: now },
    ],
    healthGate: { enabled: true, timeoutSeconds: 600, nodeReadySeconds: 60, onTimeout: 'proceed', watching: true, releases: [{ node: EVIL, releasedAt: now, missing: [SCRIPT], timedOut: false, timesOutAt: now, notRecorded: 0 }] },
  };
}

const hostile = (): StatusSnapshot => ({
  policy: hostilePolicy(new Date().toISOString()),
  generatedAt: new Date().toISOString(),
  identity: 'replica-<i>x</i>',
  leader: false,
  cacheSynced: true,
  holders: 1,
  lastRelease: null,
  budget: { maxRebooting: 1, slotsPerGroup: 1, groupSlots: {}, urgentGroups: [], groups: [{ group: '<b>g</b>', slots: 1, holders: 1, urgent: false }] },
  nodes: [
    {
      node: '<img src=x id=injected>',
      lock: 'Rebooting',
      group: '<b>g</b>',
      phase: 'draining',
      heldForSeconds: 5,
      claimedAt: null,
      ready: true,
      cordoned: 'us',
      drain: '0/1 pods evicted; waiting on <script>window.injected=1</script>&amp;',
      drainEvicted: 0,
      drainTotal: 1,
      drainWaitingOn: '<script>window.injected=1</script>&amp;',
      drainTimedOut: false,
      releasedAt: null,
      source: 'maintenance-request',
      fleetlockId: '',
      request: '<b>disk</b>',
      requester: ONERROR,
      reason: SCRIPT,
      requestPhase: 'Pending',
    },
  ],
  requests: [
    { ...requestRow('<b>disk</b>', 'Pending'), requester: ONERROR, reason: SCRIPT, message: `draining: ${EVIL}`, holding: true, drainEvicted: 0, drainTotal: 1 },
    { ...requestRow('<i>fw</i>', 'Pending'), requester: '<b>bob</b>', reason: ONERROR, message: `slots_full: ${SCRIPT}` },
    { ...requestRow(EVIL, 'Rejected'), requester: SCRIPT, reason: EVIL, message: ONERROR },
  ],
  waiting: [{ node: EVIL, source: 'fleetlock', request: '', group: '<b>g</b>', since: new Date().toISOString(), asks: 3, lastAsked: new Date().toISOString(), kind: 'blocked', reason: SCRIPT }],
  history: [
    historyRow(ONERROR, {
      source: 'fleetlock', holder: '<i>id</i>', group: 'default', asked: new Date().toISOString(), claimed: new Date().toISOString(), drained: null, granted: null, down: null, back: null,
      released: new Date().toISOString(), reason: 'withdrawn', rebooted: false, evicted: 0, blocked: [{ what: SCRIPT, from: new Date().toISOString(), to: null }],
    }),
  ],
});

void t.test('every value from the cluster is shown as text, never as markup', async (t) => {
  await requireChromium();
  const origin = await startPageServer(t, { snapshot: hostile, history: () => [] });
  const dom = await dumpDom(`${origin}/`);
  const holder = tableRows(dom, 'holders')[0] ?? '';
  t.match(holder, '&lt;img src=x id=injected&gt;', 'the node name is text');
  t.match(holder, '<mark class="blocker">waiting on &lt;script&gt;window.injected=1&lt;/script&gt;&amp;amp;</mark>', 'the drain text is text');
  t.notMatch(dom, /<img|<b>|<i>|id="injected"|<script>window/, 'no element came from a value');
  t.match(textOf(byId(dom, 'replica')), 'Served by replica-<i>x</i> · follower');
  t.match(textOf(inner(dom, 'pause-banner')), `New reboots are paused by <b>mallory</b> since`, 'the pause banner is text');
  t.match(textOf(inner(dom, 'pause-banner')), SCRIPT);
  t.match(textOf(inner(dom, 'rejection-banner')), `spec.pools[0].${SCRIPT} ${EVIL}.`, 'the rejection is text');
  t.match(textOf(tableRows(dom, 'scopes')[1] ?? ''), `pool <b>pool</b> paused <i>sel</i>`);
  t.match(textOf(tableRows(dom, 'blockers')[1] ?? ''), `${EVIL}{${SCRIPT}=<i>v</i>}`, 'alert labels are text');
  t.match(textOf(tableRows(dom, 'releases')[0] ?? ''), `${EVIL} `);
  t.match(textOf(holder), `MaintenanceRequest <b>disk</b> — ${ONERROR} : ${SCRIPT}`, 'the request holder, its requester and reason are text');
  t.match(tableRows(dom, 'requests').map(textOf), [
    `<b>disk</b> <i>node</i> Pending ${ONERROR} : ${SCRIPT} 0s ago draining: ${EVIL}`,
    `<i>fw</i> <i>node</i> Pending <b>bob</b> : ${ONERROR} 0s ago slots_full: ${SCRIPT}`,
    `${EVIL} <i>node</i> Rejected ${SCRIPT} : ${EVIL} 0s ago ${ONERROR}`,
  ]);
  t.match(textOf(tableRows(dom, 'waiting')[0] ?? ''), `${EVIL} FleetLock group <b>g</b> 0s 3 blocked ${SCRIPT}`, 'a waiting node and its reason are text');
  t.match(textOf(tableRows(dom, 'history')[0] ?? ''), `${ONERROR} FleetLock <i>id</i>`, 'a reboot record is text');
  t.match(textOf(tableRows(dom, 'history')[0] ?? ''), `blocked by ${SCRIPT}`);
});

void t.test('a MaintenanceRequest holds a slot and another waits: the holder names the request, the section lists both', async (t) => {
  await requireChromium();
  const c = await startDrainCluster(t);
  const leader = await c.leader();
  createRequest(c.sim, 'disk', { nodeName: 'node-02', drain: false });
  await phaseOf(c.sim, 'disk', 'Approved');
  createRequest(c.sim, 'fw', { nodeName: 'node-03', requester: 'firmware-bot', reason: ONERROR });
  await phaseOf(c.sim, 'fw', 'Pending', /^slots_full: /);
  await leader.requests.waitFor(() => /^slots_full: /.test(leader.requests.get('fw')?.status?.message ?? ''), 15_000);

  const dom = await dumpDom(leader.internalUrl);
  t.match(tableRows(dom, 'holders').map(textOf), [/^node-02 MaintenanceRequest disk — alice : replace disk sdb default drained \d+s Ready – –$/]);
  t.equal(textOf(byId(dom, 'requests-count')), '(2 live, 0 ended lately)');
  t.match(tableRows(dom, 'requests').map(textOf), [
    /^disk node-02 Approved alice : replace disk sdb \d+s ago approved: node node-02 is yours until \S+ to start \(spec\.state InProgress\)$/,
    new RegExp(`^fw node-03 Pending firmware-bot : ${ONERROR.replace(/[.*+?^$()[\]{}|\\]/g, '\\$&')} \\d+s ago slots_full: .* held \\(by node-02\\)$`),
  ]);
  t.notMatch(dom, /<img/, 'the reason is shown as text, not as an image');
});

const ZONE = 'topology.kubernetes.io/zone';
const OTHER_DAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][(new Date().getUTCDay() + 3) % 7] ?? 'Sun';

/** A cluster of 5,000 nodes in 40 zones as the server would show it: two pools, a zone cap, a pause, a closed window, blockers and the health gate. */
function bigCluster(now: number): StatusService {
  const nodes: NodeView[] = [];
  for (let i = 0; i < 5000; i++) {
    const name = `node-${String(i).padStart(4, '0')}`;
    const labels = { [ZONE]: `zone-${String(i % 40).padStart(2, '0')}`, role: i % 10 === 0 ? 'db' : 'web' };
    const holding = i === 11 || i === 12;
    const annotations: Record<string, string> = holding ? { 'rebootmanager/status': 'Rebooting', 'rebootmanager/group': 'default', 'rebootmanager/phase': 'draining', 'rebootmanager/claimed-at': new Date(now - 120_000).toISOString() } : {};
    nodes.push({ name, uid: name, resourceVersion: '1', machineId: '', bootId: 'b', ready: !(i >= 100 && i < 130), heartbeat: '', unschedulable: false, addresses: [], annotations, labels, readySince: 0, lifecycle: {} });
  }
  const spec = {
    maxUnavailable: '1%',
    topology: { key: ZONE, maxUnavailable: 1 },
    pools: [
      { name: 'web', nodeSelector: { matchLabels: { role: 'web' } }, maxUnavailable: '2%' },
      { name: 'db', nodeSelector: { matchLabels: { role: 'db' } }, maxUnavailable: 1, paused: true },
    ],
    // Opens on a day other than today's (UTC): closed now.
    windows: [{ days: [OTHER_DAY], start: '01:00', end: '02:00', timeZone: 'UTC' }],
    pause: { reason: 'kernel regression under investigation', by: 'alice', since: new Date(now - 3 * 3600_000).toISOString() },
  };
  const policy = policyViews({
    spec,
    status: { source: 'object', generation: 6, crdMissing: false, rejection: { generation: 7, field: 'spec.pools[1].maxUnavailable', reason: 'must be a whole number of nodes (at least 1) or a percentage like "25%" (1% to 100%), got "0%"', at: now - 600_000, pauseApplies: true } },
    nodes: nodes.map((n) => facts(n.name, n.labels, { holding: n.annotations['rebootmanager/status'] === 'Rebooting', unavailable: !n.ready })),
    blockers: [
      { kind: 'pods', name: 'backups', scope: 'node', selector: 'app=backup', synced: true, blocking: true, pods: [{ namespace: 'backup', name: 'nightly-1', nodeName: 'node-0003', phase: 'Running' }], podCount: 1, message: 'pods "backups": backup/nightly-1 on node-0003' },
      { kind: 'alerts', name: 'critical', api: 'prometheus', url: 'http://prometheus.monitoring:9090', onError: 'block', status: 'error', blocking: true, alerts: [], alertCount: 0, checkedAt: now - 5000, error: 'Prometheus at http://prometheus.monitoring:9090 answered 503: TSDB not ready', message: 'alerts "critical": Prometheus at http://prometheus.monitoring:9090 answered 503: TSDB not ready (onError Block)' },
    ],
    healthGate: { releases: [{ node: 'node-0007', releasedAt: new Date(now - 120_000).toISOString(), missing: ['Deployment shop/web (2/3 ready)', 'PodDisruptionBudget shop/web (2/3 healthy)'], timedOut: false, timesOutAt: new Date(now + 480_000).toISOString(), notRecorded: 0 }] },
  });
  return new StatusService({
    nodes: { values: () => nodes.values(), synced: true, lastRelease: () => undefined },
    requests: { values: () => [] },
    budget: () => ({ maxTotal: 50, defaultPerGroup: Number.POSITIVE_INFINITY, perGroup: new Map(), urgentGroups: new Set(['azure-urgent']) }),
    policy,
    identity: 'replica-0',
    isLeader: () => true,
    clock: { now: () => now },
  });
}

void t.test('5,000 nodes under a policy: banners, what holds reboots back, budgets with zones cut short, windows, blockers, health gate', { saveFixture: true }, async (t) => {
  await requireChromium();
  const origin = await startPageServer(t, bigCluster(Date.now()));
  const dom = await dumpDom(`${origin}/`);
  t.equal(textOf(byId(dom, 'policy-source')), 'Policy: RebootPolicy default, generation 6 (last accepted)');
  t.match(textOf(inner(dom, 'pause-banner')), /^New reboots are paused by alice since \d{4}-\d\d-\d\d \d\d:\d\d UTC \(3h0m ago\): kernel regression under investigation Nodes holding a slot finish; urgent groups go on\.$/);
  t.match(textOf(inner(dom, 'rejection-banner')), /^RebootPolicy edit rejected \(generation 7, .* UTC \(10m ago\)\): spec\.pools\[1\]\.maxUnavailable must be a whole number .* Generation 6 \(last accepted\) stays in force, with this edit’s spec\.pause: new reboots are paused\.$/);
  t.match(dom, /<title>paused · 2 rebooting · reboot-manager status<\/title>/);

  const holding = (inner(dom, 'holding').match(/<li[\s\S]*?<\/li>/g) ?? []).map(textOf);
  t.match(holding, [
    /^pause new reboots are paused by alice since/,
    'pause pool db is paused',
    new RegExp(`^window cluster outside its windows \\(${OTHER_DAY} 01:00–02:00 UTC\\), next opening ${OTHER_DAY} 01:00 UTC \\(.*\\) · until .* UTC \\(in `),
    'blocker pods "backups": backup/nightly-1 on node-0003',
    'blocker alerts "critical": Prometheus at http://prometheus.monitoring:9090 answered 503: TSDB not ready (onError Block)',
    /^health node-0007 released at .*: waiting for Deployment shop\/web \(2\/3 ready\), PodDisruptionBudget shop\/web \(2\/3 healthy\); gives up at .* · until .* \(in [78]m\)$/,
  ]);

  const scopes = tableRows(dom, 'scopes');
  t.equal(scopes.length, 3, 'the cluster and two pools: one row each, however many nodes');
  const [cluster, web, db] = scopes.map(textOf);
  t.match(cluster, /^cluster 50 of 5000 nodes \(1%\) 32\/50 node-0011, node-0012 node-0100, node-0101, node-0102, node-0103, node-0104 and 25 more topology\.kubernetes\.io\/zone: at most 1 each /);
  t.match(cluster, / and 28 more$/, '40 zones: the 12 busiest drawn, the rest counted');
  t.equal((scopes[0]?.match(/<li/g) ?? []).length, 13, '12 zone chips and one "and 28 more"');
  t.match(web, /^pool web role=web 90 of 4500 nodes \(2%\) 29\/90 /);
  t.match(db, /^pool db paused role=db 1 of 500 nodes 3\/1 /);
  t.match(scopes[2] ?? '', /<tr class="paused">/);

  t.match(tableRows(dom, 'windows').map(textOf), [new RegExp(`^cluster closed opens ${OTHER_DAY} 01:00 UTC \\(\\d{4}-.*Z\\) ${OTHER_DAY} 01:00–02:00 UTC$`)]);
  t.equal(textOf(byId(dom, 'drain-outside')), 'A drain still running when its window closes stops and gives its slot back (drainOutsideWindow Stop).');

  t.equal(textOf(byId(dom, 'blockers-count')), '(2 of 2 blocking)');
  t.match(tableRows(dom, 'blockers').map(textOf), [
    'backups pods app=backup in all namespaces, on the asking node blocking backup/nightly-1 on node-0003',
    /^critical Prometheus at http:\/\/prometheus\.monitoring:9090 query failing: blocking \(onError Block\) none Prometheus at http:\/\/prometheus\.monitoring:9090 answered 503: TSDB not ready checked .* UTC \(5s ago\)$/,
  ]);
  t.match(textOf(byId(dom, 'gate-settings')), 'On: before the next claim, what the last drain disturbed is whole again and the released node has been Ready for 60s; after 10m it gives up and lets claims proceed.');
  t.match(tableRows(dom, 'releases').map(textOf), [/^node-0007 .* UTC \(2m ago\) Deployment shop\/web \(2\/3 ready\), PodDisruptionBudget shop\/web \(2\/3 healthy\) .* UTC \(in [78]m\)$/]);
  t.equal(tableRows(dom, 'others').length, 4998, 'every other node is still listed');

  const png = join(t.testdir(), 'status-page-policy.png');
  await screenshot(`${origin}/`, png, { width: 1400, height: 1900 });
  t.comment(`screenshot: ${png}`);
});

void t.test('when the server stops answering, the page says the data is stale and keeps the last data', async (t) => {
  await requireChromium();
  let calls = 0;
  const origin = await startPageServer(t, {
    snapshot() {
      calls++;
      if (calls > 1) throw new Error('the status service failed');
      return hostile();
    },
    history() {
      return [];
    },
  });
  // 12 s of virtual time: the first fetch succeeds, the ones 5 s and 10 s later fail.
  const dom = await dumpDom(`${origin}/`, 12_000);
  t.ok(calls >= 2, `the page asked again (${calls} requests)`);
  t.match(dom, /<body class="stale">/, 'the page is greyed out');
  t.match(dom, /<div id="banner" class="banner" role="alert">Cannot read the status from the server: HTTP 503\. The tables show the last data received\. Retrying every 5 s\.<\/div>/);
  t.match(textOf(byId(dom, 'freshness')), /^STALE · last update \d+s ago/);
  t.equal(tableRows(dom, 'holders').length, 1, 'the last rows stay');
});
