// The status page of a big cluster in headless Chromium: how long until it shows, how long a refresh takes,
// the longest stretch the main thread is blocked, how large it is, and how fast the filter answers.
import { BrowserPage } from './browser.js';
import { PROBE_JS } from './probe.js';

interface Render {
  readonly started: number;
  readonly arrived: number;
  readonly parsed: number;
  readonly painted: number;
  readonly nodes: number;
}

interface LongTask {
  readonly start: number;
  readonly duration: number;
}

export interface PageFigures {
  /** Rows in `/api/v1/status`. */
  readonly nodes: number;
  /** Node rows in the page's tables after the first render. */
  readonly rows: number;
  readonly bytes: { readonly html: number; readonly js: number; readonly css: number; readonly json: number };
  readonly domElements: number;
  /** Navigation start to the frame painted after the first render (the first rows), and to every row in place. */
  readonly firstRenderMs: number;
  readonly allRowsMs: number;
  /** Each refresh: its answer's arrival to the frame painted after it was rendered. */
  readonly refreshMs: readonly number[];
  /** Longest main-thread task up to the first render, and during the refreshes. */
  readonly longestTaskLoadMs: number;
  readonly longestTaskRefreshMs: number;
  /** Typing `filter` into the box: the input handler, then until painted; rows left shown. Null without a filter box. */
  readonly filter: { readonly text: string; readonly handlerMs: number; readonly paintedMs: number; readonly longestTaskMs: number; readonly rows: number } | null;
  /** Clearing the filter again: the input handler, until every row is shown and painted, the longest task. */
  readonly cleared: { readonly handlerMs: number; readonly allShownMs: number; readonly longestTaskMs: number } | null;
}

const REFRESHES = 3;

const longest = (tasks: readonly LongTask[], from: number, to: number): number => Math.max(0, ...tasks.filter((t) => t.start >= from && t.start < to).map((t) => t.duration));

async function bytesOf(url: URL): Promise<number> {
  const res = await fetch(url);
  return (await res.arrayBuffer()).byteLength;
}

// Resolves at the first frame with `count` node rows in the tables.
const ALL_ROWS = (count: number): string => `new Promise(function (resolve) {
  function check() {
    const n = document.getElementById('holders').tBodies[0].rows.length + document.getElementById('others').tBodies[0].rows.length;
    if (n >= ${count}) resolve(performance.now());
    else requestAnimationFrame(check);
  }
  check();
})`;

const ROWS = "document.querySelectorAll('#holders tbody tr:not([hidden]), #others tbody tr:not([hidden])').length";

// Types the text at once (as a paste would) and times the page's input handler and the next painted frame.
const FILTER = (text: string): string => `(function () {
  const box = document.getElementById('filter');
  if (!box) return null;
  box.focus();
  const t0 = performance.now();
  window.__pageBench.filterAt = t0;
  box.value = ${JSON.stringify(text)};
  box.dispatchEvent(new Event('input', { bubbles: true }));
  const handled = performance.now();
  return new Promise(function (resolve) {
    requestAnimationFrame(function () { setTimeout(function () { resolve({ handlerMs: handled - t0, paintedMs: performance.now() - t0, rows: ${ROWS} }); }, 0); });
  });
})()`;

// Clears the box and times the handler and the frame after every row is shown again.
const CLEAR = (rows: number): string => `(function () {
  const box = document.getElementById('filter');
  if (!box) return null;
  const t0 = performance.now();
  window.__pageBench.clearAt = t0;
  box.value = '';
  box.dispatchEvent(new Event('input', { bubbles: true }));
  const handled = performance.now();
  return new Promise(function (resolve) {
    (function check() {
      if (${ROWS} >= ${rows}) setTimeout(function () { resolve({ handlerMs: handled - t0, allShownMs: performance.now() - t0 }); }, 0);
      else requestAnimationFrame(check);
    })();
  });
})()`;

/** Loads the page at `origin`, lets it refresh a few times, filters it; `screenshot` a PNG path to keep a picture. */
export async function measurePage(origin: string, opts: { filter: string; screenshot?: string }): Promise<PageFigures> {
  const base = origin.endsWith('/') ? origin : `${origin}/`;
  const [html = 0, js = 0, css = 0, json = 0] = await Promise.all(['', 'status.js', 'status.css', 'api/v1/status'].map((p) => bytesOf(new URL(p, base))));
  const page = await BrowserPage.open({ width: 1400, height: 1000 });
  try {
    await page.beforeEachDocument(PROBE_JS);
    await page.goto(base);
    const [first] = await page.evaluate<Render[]>('window.__pageBench.rendered(1)');
    if (!first) throw new Error('the page never rendered');
    const allRowsMs = await page.evaluate<number>(ALL_ROWS(first.nodes));
    const rows = await page.evaluate<number>(ROWS);
    const domElements = await page.evaluate<number>("document.getElementsByTagName('*').length");
    const renders = await page.evaluate<Render[]>(`window.__pageBench.rendered(${REFRESHES + 1})`);
    const refreshes = renders.slice(1, REFRESHES + 1);
    const filter = await page.evaluate<Omit<NonNullable<PageFigures['filter']>, 'text' | 'longestTaskMs'> | null>(FILTER(opts.filter));
    const filterAt = await page.evaluate<number>('window.__pageBench.filterAt || 0');
    const cleared = filter ? await page.evaluate<{ handlerMs: number; allShownMs: number }>(CLEAR(rows)) : null;
    const clearAt = await page.evaluate<number>('window.__pageBench.clearAt || 0');
    if (filter) await page.evaluate(FILTER(opts.filter));
    // One more refresh with the filter in force, for the picture.
    if (opts.screenshot) {
      await page.evaluate(`window.__pageBench.rendered(${REFRESHES + 2})`);
      await page.screenshot(opts.screenshot, { fullPage: true, maxHeight: 6000 });
    }
    const tasks = await page.evaluate<LongTask[]>('window.__pageBench.longTasks');
    const last = refreshes.at(-1)?.painted ?? first.painted;
    return {
      nodes: first.nodes,
      rows,
      bytes: { html, js, css, json },
      domElements,
      firstRenderMs: first.painted,
      allRowsMs,
      refreshMs: refreshes.map((r) => r.painted - r.arrived),
      longestTaskLoadMs: longest(tasks, 0, allRowsMs),
      longestTaskRefreshMs: longest(tasks, allRowsMs, last + 1),
      filter: filter ? { text: opts.filter, ...filter, longestTaskMs: longest(tasks, filterAt, filterAt + filter.paintedMs + 1) } : null,
      cleared: cleared ? { ...cleared, longestTaskMs: longest(tasks, clearAt, clearAt + cleared.allShownMs + 1) } : null,
    };
  } finally {
    await page.close();
  }
}
