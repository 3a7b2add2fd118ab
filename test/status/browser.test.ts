// The status page in headless Chromium: what an operator sees once the page's script has run.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import t from 'tap';
import type { StatusSnapshot } from '../../src/status/snapshot.js';
import { dumpDom, requireChromium, screenshot } from '../support/chromium.js';
import { decodePng, distinctColours } from '../support/png.js';
import { startPageServer, startStatusCluster } from '../support/status-cluster.js';

/** The text of an element's HTML with tags removed and entities of `&`, `<`, `>` decoded. */
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
  t.match(textOf(holder), /^node-01 default draining \d+s Ready by reboot-manager 1\/2 pods evicted; waiting on PodDisruptionBudget shop\/web$/);
  t.match(holder, '<progress max="2" value="1"', 'a progress bar');
  t.match(holder, '<mark class="blocker">waiting on PodDisruptionBudget shop/web</mark>', 'what blocks the drain is highlighted');
  t.match(holder, /<tr class="blocked">/);

  const others = tableRows(dom, 'others').map(textOf);
  t.match(others, [/^node-02 Ready Ready by an admin –$/, /^node-03 Ready Ready – \d+s ago$/]);

  // The cluster made the directory already (its kubeconfig); t.testdir() again would empty it.
  const png = join(t.testdirName, 'status-page.png');
  await screenshot(leader.internalUrl, png, { width: 1200, height: 800 });
  const image = decodePng(await readFile(png));
  t.same([image.width, image.height], [1200, 800], 'IHDR says 1200x800');
  const colours = distinctColours(image);
  t.ok(colours > 50, `not a blank page: ${colours} distinct pixel values`);
  t.comment(`screenshot: ${png}`);
});

const hostile = (): StatusSnapshot => ({
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
    },
  ],
});

void t.test('every value from the cluster is shown as text, never as markup', async (t) => {
  await requireChromium();
  const origin = await startPageServer(t, { snapshot: hostile });
  const dom = await dumpDom(`${origin}/`);
  const holder = tableRows(dom, 'holders')[0] ?? '';
  t.match(holder, '&lt;img src=x id=injected&gt;', 'the node name is text');
  t.match(holder, '<mark class="blocker">waiting on &lt;script&gt;window.injected=1&lt;/script&gt;&amp;amp;</mark>', 'the drain text is text');
  t.notMatch(dom, /<img|<b>|<i>|id="injected"|<script>window/, 'no element came from a value');
  t.match(textOf(byId(dom, 'replica')), 'Served by replica-<i>x</i> · follower');
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
  });
  // 12 s of virtual time: the first fetch succeeds, the ones 5 s and 10 s later fail.
  const dom = await dumpDom(`${origin}/`, 12_000);
  t.ok(calls >= 2, `the page asked again (${calls} requests)`);
  t.match(dom, /<body class="stale">/, 'the page is greyed out');
  t.match(dom, /<div id="banner" class="banner" role="alert">Cannot read the status from the server: HTTP 503\. The tables show the last data received\. Retrying every 5 s\.<\/div>/);
  t.match(textOf(byId(dom, 'freshness')), /^STALE · last update \d+s ago/);
  t.equal(tableRows(dom, 'holders').length, 1, 'the last rows stay');
});
