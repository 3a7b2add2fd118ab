// The status page's filter in headless Chromium: typed text hides the rows it does not match, survives the page's
// refresh (text, focus, and rows that changed), and lives in the link. The page's clock is virtual: a refresh
// happens exactly when the test advances it.
import t, { type Test } from 'tap';
import { BrowserPage } from '../../bench/page/browser.js';
import type { NodeView } from '../../src/kube/node-view.js';
import { StatusService } from '../../src/status/snapshot.js';
import { requireChromium } from '../support/chromium.js';
import { policyViews } from '../support/policy-views.js';
import { startPageServer } from '../support/status-cluster.js';

const NODES = 300;

function node(name: string, ready: boolean, holding = false): NodeView {
  const annotations: Record<string, string> = holding ? { 'rebootmanager/status': 'Rebooting', 'rebootmanager/group': 'workers', 'rebootmanager/phase': 'draining', 'rebootmanager/claimed-at': new Date().toISOString() } : {};
  return { name, uid: name, resourceVersion: '1', machineId: '', bootId: 'b', ready, heartbeat: '', unschedulable: false, addresses: [], annotations, labels: {}, readySince: 0, lifecycle: {} };
}

/** node-1 … node-300; node-2, node-20 and node-25 NotReady, node-7 and node-27 holding; `notReady` grows between refreshes. */
function cluster(notReady: Set<string>): { service: StatusService; asked: () => number } {
  let asked = 0;
  const service = new StatusService({
    nodes: {
      values: () => {
        asked++;
        return Array.from({ length: NODES }, (_, i) => `node-${i + 1}`).map((n) => node(n, !notReady.has(n), n === 'node-7' || n === 'node-27'))[Symbol.iterator]();
      },
      synced: true,
      lastRelease: () => undefined,
    },
    requests: { values: () => [] },
    budget: () => ({ maxTotal: 2, defaultPerGroup: 2, perGroup: new Map(), urgentGroups: new Set() }),
    policy: policyViews(),
    identity: 'replica-0',
    isLeader: () => true,
    clock: { now: () => Date.now() },
  });
  return { service, asked: () => asked };
}

/** The page of `service` in Chromium on a paused clock, one second in: the first answer rendered. */
async function openPaused(t: Test, service: StatusService, fragment = ''): Promise<BrowserPage> {
  const origin = await startPageServer(t, service);
  const page = await BrowserPage.open();
  t.teardown(() => page.close());
  await page.pauseTime();
  await page.send('Page.navigate', { url: `${origin}/${fragment}` });
  await page.advanceTime(1000);
  return page;
}

const SHOWN = (table: string): string => `[...document.querySelectorAll('#${table} tbody tr:not([hidden]) th')].map((e) => e.textContent)`;
const TEXT = (id: string): string => `document.getElementById('${id}').textContent`;

void t.test('typing filters the node rows; a refresh keeps the text, the focus and the filter on changed rows; the link carries it', async (t) => {
  await requireChromium();
  const notReady = new Set(['node-2', 'node-20', 'node-25']);
  const { service, asked } = cluster(notReady);
  const page = await openPaused(t, service);
  t.equal((await page.evaluate<string[]>(SHOWN('others'))).length, NODES - 2, 'no filter: every other node');
  t.equal(await page.evaluate(TEXT('others-count')), `(${NODES - 2})`);

  await page.evaluate("document.getElementById('filter').focus()");
  await page.type('node-2 notready');
  t.same(await page.evaluate(SHOWN('others')), ['node-2', 'node-20', 'node-25'], 'every word matches: within the name, the start of the state');
  t.same(await page.evaluate(SHOWN('holders')), [], 'no holder is NotReady');
  t.equal(await page.evaluate(TEXT('others-count')), `(3 of ${NODES - 2})`, 'the count says what the filter leaves');
  t.equal(await page.evaluate(TEXT('holders-count')), '(0 of 2)');
  t.equal(await page.evaluate('location.hash'), '#filter=node-2+notready', 'the filter is in the link');

  // node-21 turns NotReady; the next refresh brings its changed row, which the filter must judge too.
  notReady.add('node-21');
  const before = asked();
  await page.advanceTime(5500);
  t.ok(asked() > before, 'the page refreshed');
  t.same(await page.evaluate(SHOWN('others')), ['node-2', 'node-20', 'node-21', 'node-25'], 'the refreshed rows are filtered');
  t.equal(await page.evaluate("document.getElementById('filter').value"), 'node-2 notready', 'the text stays');
  t.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'filter', 'the focus stays');

  await page.evaluate("(function (b) { b.value = 'DRAIN'; b.dispatchEvent(new Event('input')); })(document.getElementById('filter'))");
  t.same(await page.evaluate(SHOWN('holders')), ['node-7', 'node-27'], 'a phase, from its start, any case');
  t.same(await page.evaluate(SHOWN('others')), [], 'no other node drains');
  t.equal(await page.evaluate("document.getElementById('no-match').hidden"), true, 'rows match: no "no match" note');

  await page.evaluate("(function (b) { b.value = 'nosuchnode'; b.dispatchEvent(new Event('input')); })(document.getElementById('filter'))");
  t.equal(await page.evaluate("document.getElementById('no-match').hidden"), false, 'nothing matches: the page says so');

  await page.evaluate("(function (b) { b.value = ''; b.dispatchEvent(new Event('input')); })(document.getElementById('filter'))");
  t.equal((await page.evaluate<string[]>(SHOWN('others'))).length, NODES - 2, 'cleared: every row again');
  t.equal(await page.evaluate('location.hash'), '', 'and the link has no filter');
});

void t.test('a link with a filter opens the page filtered; a new link pasted in the tab changes the filter', async (t) => {
  await requireChromium();
  const { service } = cluster(new Set());
  const page = await openPaused(t, service, '#filter=node-10');
  t.equal(await page.evaluate("document.getElementById('filter').value"), 'node-10');
  t.same(await page.evaluate(SHOWN('others')), ['node-10', 'node-100', 'node-101', 'node-102', 'node-103', 'node-104', 'node-105', 'node-106', 'node-107', 'node-108', 'node-109'], 'in natural order');

  await page.evaluate("location.hash = '#filter=' + encodeURIComponent('node-29')");
  await page.advanceTime(100);
  t.equal(await page.evaluate("document.getElementById('filter').value"), 'node-29');
  t.same(await page.evaluate(SHOWN('others')), ['node-29', 'node-290', 'node-291', 'node-292', 'node-293', 'node-294', 'node-295', 'node-296', 'node-297', 'node-298', 'node-299']);
});

void t.test('a refresh leaves unchanged rows alone: text selected in a row stays selected', async (t) => {
  await requireChromium();
  const { service, asked } = cluster(new Set());
  const page = await openPaused(t, service);
  const select = `(function () {
    const th = [...document.querySelectorAll('#others tbody th')].find((e) => e.textContent === 'node-5');
    const range = document.createRange();
    range.selectNodeContents(th);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    return getSelection().toString();
  })()`;
  t.equal(await page.evaluate(select), 'node-5', 'an operator selects a node name to copy it');
  const before = asked();
  await page.advanceTime(5500);
  t.ok(asked() > before, 'the page refreshed');
  t.equal(await page.evaluate('getSelection().toString()'), 'node-5', 'the selection survives the refresh');
});
