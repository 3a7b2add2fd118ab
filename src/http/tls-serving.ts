// HTTPS for a Fastify server: the pair in force at start, then reloaded from the files until close.
import type { ServerOptions } from 'node:https';
import { Server as TlsServer } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { loadTlsPair, type CertificateInfo, type TlsFiles, type TlsPair } from './tls-files.js';
import { TlsReloader } from './tls-reloader.js';

export interface TlsServing {
  readonly files: TlsFiles;
  /** Loaded and checked before the server is built, so bad files stop the start-up. */
  readonly pair: TlsPair;
  /** Told of every certificate put in force (the expiry gauge). */
  readonly onCertificate?: (certificate: CertificateInfo) => void;
  /** The periodic re-read besides the directory watch (default 60 s). */
  readonly pollIntervalMs?: number;
}

/** Loads the files for `buildHttpServer`'s `tls`; throws `TlsFilesError` naming the bad file. None: plain HTTP. */
export async function loadTlsServing(files: TlsFiles | undefined, onCertificate?: (certificate: CertificateInfo) => void): Promise<TlsServing | undefined> {
  return files && { files, pair: await loadTlsPair(files), onCertificate };
}

export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Fastify's `https` option when TLS is on, nothing otherwise. */
export function httpsOption(tls: TlsServing | undefined): { https?: ServerOptions; http2?: false } {
  // A handshake gets 10 s, not Node's 120 s: a client that connects and says nothing holds no socket for long.
  return tls ? { https: { cert: tls.pair.cert, key: tls.pair.key, handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS }, http2: false } : {};
}

/** Starts reloading `app`'s certificate from the files; stopped when `app` closes. */
export function reloadTlsOnChange(app: FastifyInstance, tls: TlsServing, log: Logger): TlsReloader {
  // Typed as an http.Server (which an https.Server also is); setSecureContext lives on tls.Server.
  const server: unknown = app.server;
  if (!(server instanceof TlsServer)) throw new Error('reloadTlsOnChange needs a server built with httpsOption');
  const reloader = new TlsReloader({
    files: tls.files,
    initial: tls.pair,
    apply: (pair) => server.setSecureContext({ cert: pair.cert, key: pair.key }),
    log,
    onCertificate: tls.onCertificate,
    pollIntervalMs: tls.pollIntervalMs,
  });
  reloader.start();
  app.addHook('onClose', (_app, done) => {
    reloader.close();
    done();
  });
  return reloader;
}
