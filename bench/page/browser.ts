// Headless Chromium driven over the DevTools protocol on a pipe (no port, nothing to reach but the page):
// the status page bench measures the page with it, and the browser tests type into the page with it.
import { spawn, type ChildProcess } from 'node:child_process';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// The machine's network is closed: these keep Chromium from reaching out (updates, sync, QUIC probes).
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Fails loudly when the browser is missing: a run that silently skips proves nothing. */
export async function requireChromium(): Promise<string> {
  try {
    await access(CHROMIUM);
  } catch {
    throw new Error(`headless Chromium is needed at ${CHROMIUM}: install it with "apt-get update && apt-get install -y chromium" (as root; .ci/run does this in CI), or point CHROMIUM at a Chromium binary`);
  }
  return CHROMIUM;
}

type Params = Record<string, unknown>;
interface Message {
  id?: number;
  method?: string;
  params?: Params;
  sessionId?: string;
  result?: Params;
  error?: { message: string };
}

/** One page (tab) of a headless Chromium of its own, with the few commands the bench and the tests use. */
export class BrowserPage {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Params) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Set<(m: Message) => void>();
  private sessionId = '';
  private buffer = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const input = child.stdio[4] as Readable;
    input.setEncoding('utf8');
    // Messages are JSON, each ended by a NUL.
    input.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\0')) !== -1) {
        this.receive(JSON.parse(this.buffer.slice(0, end)) as Message);
        this.buffer = this.buffer.slice(end + 1);
      }
    });
    child.once('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error('Chromium exited'));
      this.pending.clear();
    });
  }

  /** A fresh profile and one blank page, `width`×`height` CSS pixels. */
  static async open(size = { width: 1400, height: 1000 }): Promise<BrowserPage> {
    const binary = await requireChromium();
    const profile = await mkdtemp(join(tmpdir(), 'reboot-manager-chromium-'));
    const child = spawn(binary, [...CHROMIUM_FLAGS, '--remote-debugging-pipe', `--user-data-dir=${profile}`, `--window-size=${size.width},${size.height}`, '--hide-scrollbars', 'about:blank'], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
    });
    const page = new BrowserPage(child, profile);
    try {
      const { targetId } = await page.send('Target.createTarget', { url: 'about:blank', newWindow: false });
      const { sessionId } = await page.send('Target.attachToTarget', { targetId, flatten: true });
      page.sessionId = String(sessionId);
      await page.send('Page.enable');
      await page.send('Runtime.enable');
      return page;
    } catch (err) {
      await page.close();
      throw err;
    }
  }

  private receive(m: Message): void {
    if (m.id !== undefined) {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(`Chromium: ${m.error.message}`));
      else p?.resolve(m.result ?? {});
      return;
    }
    for (const l of this.listeners) l(m);
  }

  /** A DevTools command to the page (or, before it is attached, to the browser). */
  send(method: string, params: Params = {}): Promise<Params> {
    const id = this.nextId++;
    const message = { id, method, params, ...(this.sessionId ? { sessionId: this.sessionId } : {}) };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      (this.child.stdio[3] as Writable).write(`${JSON.stringify(message)}\0`);
    });
  }

  /** Resolves with the params of the page's next `method` event. */
  next(method: string): Promise<Params> {
    return new Promise((resolve) => {
      const listener = (m: Message): void => {
        if (m.method !== method || m.sessionId !== this.sessionId) return;
        this.listeners.delete(listener);
        resolve(m.params ?? {});
      };
      this.listeners.add(listener);
    });
  }

  /** Runs `source` in every document the page loads, before the document's own scripts. */
  async beforeEachDocument(source: string): Promise<void> {
    await this.send('Page.addScriptToEvaluateOnNewDocument', { source });
  }

  /** Navigates and resolves once the document has loaded (its deferred scripts ran). */
  async goto(url: string): Promise<void> {
    const loaded = this.next('Page.loadEventFired');
    await this.send('Page.navigate', { url });
    await loaded;
  }

  /**
   * The page's timers and fetches run on a virtual clock that advances only here, by `ms` (Chromium waits for
   * fetches in flight): a refresh every 5 s happens exactly when asked for, however slow the machine.
   */
  async pauseTime(): Promise<void> {
    await this.send('Emulation.setVirtualTimePolicy', { policy: 'pause' });
  }

  async advanceTime(ms: number): Promise<void> {
    const expired = this.next('Emulation.virtualTimeBudgetExpired');
    await this.send('Emulation.setVirtualTimePolicy', { policy: 'pauseIfNetworkFetchesPending', budget: ms });
    await expired;
  }

  /** The value of `expression` in the page (a promise is awaited), as JSON. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    const details = r.exceptionDetails as { exception?: { description?: string }; text?: string } | undefined;
    if (details) throw new Error(`in the page: ${details.exception?.description ?? details.text ?? 'an exception'}`);
    return (r.result as { value: T }).value;
  }

  /** Types `text` into the focused element as a keyboard would (one input event per character). */
  async type(text: string): Promise<void> {
    for (const ch of text) await this.send('Input.insertText', { text: ch });
  }

  /** A PNG of the viewport, or with `fullPage` of the whole document (up to `maxHeight` CSS pixels). */
  async screenshot(file: string, opts: { fullPage?: boolean; maxHeight?: number } = {}): Promise<void> {
    let clip = {};
    if (opts.fullPage) {
      const { cssContentSize } = (await this.send('Page.getLayoutMetrics')) as { cssContentSize?: { width: number; height: number } };
      if (cssContentSize) clip = { clip: { x: 0, y: 0, width: cssContentSize.width, height: Math.min(cssContentSize.height, opts.maxHeight ?? 8000), scale: 1 } };
    }
    const { data } = await this.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: opts.fullPage === true, ...clip });
    await writeFile(file, Buffer.from(String(data), 'base64'));
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => (this.child.exitCode !== null || this.child.signalCode !== null ? resolve() : this.child.once('exit', () => resolve())));
    this.child.kill('SIGTERM');
    await exited;
    await rm(this.profile, { recursive: true, force: true });
  }
}
