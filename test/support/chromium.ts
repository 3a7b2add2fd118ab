// Headless Chromium (Debian's `chromium`) for the status page test: the page as a browser renders it.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CHROMIUM, CHROMIUM_FLAGS, requireChromium } from '../../bench/page/browser.js';

const exec = promisify(execFile);

export { CHROMIUM, requireChromium };

/**
 * Loads `url` in a fresh profile and runs the page's timers for `virtualTimeMs` of virtual time
 * (Chromium waits for the page's fetches too), then does what `mode` asks: the DOM on stdout, or a PNG.
 */
async function run(url: string, mode: string[], virtualTimeMs: number): Promise<string> {
  const binary = await requireChromium();
  const profile = await mkdtemp(join(tmpdir(), 'reboot-manager-chromium-'));
  try {
    const { stdout } = await exec(binary, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, `--virtual-time-budget=${virtualTimeMs}`, ...mode, url], {
      timeout: 90_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

/** The DOM after the page's script ran, as HTML. */
export function dumpDom(url: string, virtualTimeMs = 5000): Promise<string> {
  return run(url, ['--dump-dom'], virtualTimeMs);
}

export async function screenshot(url: string, file: string, size: { width: number; height: number }, virtualTimeMs = 5000): Promise<void> {
  await run(url, [`--screenshot=${file}`, `--window-size=${size.width},${size.height}`, '--hide-scrollbars'], virtualTimeMs);
}
