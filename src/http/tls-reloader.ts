// Keeps the certificate in force in step with its files, as cert-manager and kubelet rotate them.
import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { TlsFilesError, loadTlsPair, samePair, type CertificateInfo, type TlsFiles, type TlsPair } from './tls-files.js';

/** Fallback for changes the directory watch misses (a watched directory replaced, a network filesystem). */
export const DEFAULT_TLS_POLL_INTERVAL_MS = 60_000;
// A rotation writes several entries in a row: one look after they settle, not one per entry.
const DEFAULT_SETTLE_MS = 100;

export type ReloadOutcome = 'unchanged' | 'reloaded' | 'rejected';

export interface TlsReloaderOptions {
  readonly files: TlsFiles;
  /** The pair the server was started with. */
  readonly initial: TlsPair;
  /** Puts a checked pair in force for new connections, e.g. `tls.Server#setSecureContext`. */
  readonly apply: (pair: TlsPair) => void;
  readonly log: Logger;
  /** Told of every certificate put in force, the initial one included (the expiry gauge). */
  readonly onCertificate?: (certificate: CertificateInfo) => void;
  readonly pollIntervalMs?: number;
  readonly settleMs?: number;
}

/**
 * Watches the files' directories (a Secret volume swaps its `..data` symlink there) and re-reads them
 * now and then. A bad pair leaves the one in force and is logged once until the files change again.
 */
export class TlsReloader {
  private current: TlsPair;
  private lastFailure: string | undefined;
  private readonly watchers: FSWatcher[] = [];
  private poller: NodeJS.Timeout | undefined;
  private settle: NodeJS.Timeout | undefined;
  private queue: Promise<ReloadOutcome> = Promise.resolve('unchanged');
  private closed = false;

  constructor(private readonly options: TlsReloaderOptions) {
    this.current = options.initial;
  }

  /** The certificate new connections get. */
  get certificate(): CertificateInfo {
    return this.current.certificate;
  }

  start(): void {
    const { files, log } = this.options;
    log.info({ certificate: this.current.certificate, certFile: files.certFile, keyFile: files.keyFile }, 'serving FleetLock over TLS');
    this.options.onCertificate?.(this.current.certificate);
    for (const dir of new Set([dirname(files.certFile), dirname(files.keyFile)])) {
      try {
        // Not persistent: the server, not the watch, keeps the process alive.
        const watcher = watch(dir, { persistent: false }, () => this.soon());
        watcher.on('error', (err) => log.warn({ dir, err: err.message }, 'watching the TLS directory failed; relying on the periodic check'));
        this.watchers.push(watcher);
      } catch (err) {
        log.warn({ dir, err: (err as Error).message }, 'cannot watch the TLS directory; relying on the periodic check');
      }
    }
    this.poller = setInterval(() => this.kick(), this.options.pollIntervalMs ?? DEFAULT_TLS_POLL_INTERVAL_MS);
    this.poller.unref();
  }

  /** Looks at the files now. Checks run one after the other, so the last one sees the last write. */
  check(): Promise<ReloadOutcome> {
    // After a failed check too: one unexpected error must not stop every later reload.
    this.queue = this.queue.then(
      () => this.checkOnce(),
      () => this.checkOnce(),
    );
    return this.queue;
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers) w.close();
    this.watchers.length = 0;
    clearInterval(this.poller);
    clearTimeout(this.settle);
  }

  private soon(): void {
    if (this.closed) return;
    clearTimeout(this.settle);
    this.settle = setTimeout(() => this.kick(), this.options.settleMs ?? DEFAULT_SETTLE_MS);
    this.settle.unref();
  }

  private kick(): void {
    this.check().catch((err: unknown) => this.options.log.error({ err: (err as Error).message }, 'checking the TLS files failed'));
  }

  private async checkOnce(): Promise<ReloadOutcome> {
    if (this.closed) return 'unchanged';
    let pair: TlsPair;
    try {
      pair = await loadTlsPair(this.options.files);
    } catch (err) {
      if (!(err instanceof TlsFilesError)) throw err;
      return this.rejected(err);
    }
    if (this.closed) return 'unchanged';
    // The files are back to (or still) the pair in force: a later failure is news again.
    if (samePair(pair, this.current)) {
      this.lastFailure = undefined;
      return 'unchanged';
    }
    this.options.apply(pair);
    this.current = pair;
    this.lastFailure = undefined;
    this.options.log.info({ certificate: pair.certificate }, 'new TLS certificate in force for new connections');
    this.options.onCertificate?.(pair.certificate);
    return 'reloaded';
  }

  private rejected(err: TlsFilesError): ReloadOutcome {
    const key = `${err.reason} ${err.message}`;
    if (key !== this.lastFailure) {
      this.lastFailure = key;
      const kept = this.current.certificate;
      this.options.log.error(
        { code: err.code, reason: err.reason, file: err.file, kept: { serial: kept.serial, notAfter: kept.notAfter } },
        `${err.message}; the certificate in force stays until the files change again`,
      );
    }
    return 'rejected';
  }
}
