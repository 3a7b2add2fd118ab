// Headless Chromium (Debian's `chromium`) for the status page test: the page as a browser renders it.
import { execFile } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Fails loudly when the browser is missing: a test that silently skips proves nothing. */
export async function requireChromium(): Promise<string> {
  try {
    await access(CHROMIUM);
  } catch {
    throw new Error(`headless Chromium is needed at ${CHROMIUM} for the status page test: install it with "apt-get update && apt-get install -y chromium" (as root; .ci/run does this in CI), or point CHROMIUM at a Chromium binary`);
  }
  return CHROMIUM;
}

// The machine's network is closed: these keep Chromium from reaching out (updates, sync, QUIC probes).
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Loads `url` in a fresh profile and runs the page's timers for `virtualTimeMs` of virtual time
 * (Chromium waits for the page's fetches too), then does what `mode` asks: the DOM on stdout, or a PNG.
 */
async function run(url: string, mode: string[], virtualTimeMs: number): Promise<string> {
  const binary = await requireChromium();
  const profile = await mkdtemp(join(tmpdir(), 'reboot-manager-chromium-'));
  try {
    const { stdout } = await exec(binary, [...FLAGS, `--user-data-dir=${profile}`, `--virtual-time-budget=${virtualTimeMs}`, ...mode, url], {
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
