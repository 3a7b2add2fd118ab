// The status page half of the simulator bench: a simulated cluster of BENCH_NODES nodes, the real server
// against it, and its status page loaded, refreshed and filtered in headless Chromium.
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseLoadGenerator } from '../load-generator.js';
import { startSimServing } from '../sim-serving.js';
import { measurePage, type PageFigures } from './measure.js';

const NODES = Number(process.env.BENCH_NODES ?? 5000);
const IMAGES_PER_NODE = 50;
const FILTER = 'node-001';

const say = (text: string): void => void process.stderr.write(`bench: ${text}\n`);
const ms = (v: number): string => `${v.toFixed(0)} ms`;
const kb = (v: number): string => `${(v / 1024).toFixed(1)} KiB`;

export function pageMarkdown(f: PageFigures, configuration: readonly string[]): string {
  const refresh = [...f.refreshMs].sort((a, b) => a - b);
  const lines = [
    `### Status page, ${f.nodes} nodes, headless Chromium`,
    '',
    ...configuration.map((c) => `${c}  `),
    '',
    '| Figure | Value |',
    '|---|---|',
    `| First render (navigation to the painted frame): first rows, every row | ${ms(f.firstRenderMs)}, ${ms(f.allRowsMs)} |`,
    `| Refresh (answer arrived to the painted frame), ${refresh.length} refreshes: median, worst | ${ms(refresh[Math.floor(refresh.length / 2)] ?? NaN)}, ${ms(refresh.at(-1) ?? NaN)} |`,
    `| Longest main-thread task: loading, refreshing | ${ms(f.longestTaskLoadMs)}, ${ms(f.longestTaskRefreshMs)} |`,
    f.filter ? `| Filter "${f.filter.text}" typed: input handler, painted, longest task; rows left | ${ms(f.filter.handlerMs)}, ${ms(f.filter.paintedMs)}, ${ms(f.filter.longestTaskMs)}; ${f.filter.rows} |` : '| Filter | none on this page |',
    ...(f.cleared ? [`| Filter cleared: input handler, every row shown and painted, longest task | ${ms(f.cleared.handlerMs)}, ${ms(f.cleared.allShownMs)}, ${ms(f.cleared.longestTaskMs)} |`] : []),
    `| Node rows on the page | ${f.rows} |`,
    `| DOM elements | ${f.domElements} |`,
    `| Bytes: page, script, style; /api/v1/status | ${kb(f.bytes.html)}, ${kb(f.bytes.js)}, ${kb(f.bytes.css)}; ${kb(f.bytes.json)} |`,
    '',
  ];
  return lines.join('\n');
}

/** Every node has its row: the figures are about a page that shows the whole cluster. */
export const pageFloor = (f: PageFigures): { name: string; pass: boolean; detail: string } => ({
  name: 'status page lists every node',
  pass: f.rows === f.nodes && (f.filter === null || f.filter.rows < f.rows),
  detail: `${f.rows} rows for ${f.nodes} nodes${f.filter ? `, ${f.filter.rows} after filtering` : ''}`,
});

/** 0 when the page showed every node. `BENCH_PAGE_SCREENSHOT` keeps a PNG of the page filtered. */
export async function pageBench(): Promise<number> {
  say(`scenario: the status page of ${NODES} nodes in headless Chromium`);
  const dir = await mkdtemp(join(tmpdir(), 'reboot-manager-bench-page-'));
  const generator = await chooseLoadGenerator();
  const cluster = await startSimServing({ dir, nodes: NODES, imagesPerNode: IMAGES_PER_NODE, pools: 1, generator, say });
  try {
    const screenshot = process.env.BENCH_PAGE_SCREENSHOT;
    const figures = await measurePage(cluster.internalUrl, { filter: FILTER, ...(screenshot ? { screenshot } : {}) });
    const floor = pageFloor(figures);
    const configuration = [
      `Cluster: ${NODES} simulated Nodes (one holding the slot), the real reboot-manager serve (shipped defaults) against it; the page from its internal port.`,
      `Browser: ${await chromiumVersion()}, headless, 1400×1000, its own profile; the page refreshes every 5 s as shipped, ${figures.refreshMs.length} refreshes measured; long tasks by PerformanceObserver (over 50 ms).`,
      `Machine: ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)} at the end (other processes share the cores: figures are upper bounds).`,
      `Floor: ${floor.name}: ${floor.pass ? 'pass' : 'FAIL'} (${floor.detail}).`,
    ];
    process.stdout.write(`\n${pageMarkdown(figures, configuration)}`);
    return floor.pass ? 0 : 1;
  } finally {
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function chromiumVersion(): Promise<string> {
  const { execFile } = await import('node:child_process');
  const { CHROMIUM } = await import('./browser.js');
  return new Promise((resolve) => execFile(CHROMIUM, ['--version'], (err, stdout) => resolve(err ? CHROMIUM : stdout.trim())));
}
