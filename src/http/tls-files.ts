// The certificate and key files of the FleetLock port: read, checked as a pair, described for logs.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';

export interface TlsFiles {
  /** PEM: the leaf certificate first, then any intermediates. */
  readonly certFile: string;
  /** PEM private key of the leaf. */
  readonly keyFile: string;
}

/** What an operator needs to recognise a certificate; never anything about the key. */
export interface CertificateInfo {
  readonly subject: string;
  readonly issuer: string;
  readonly serial: string;
  /** ISO 8601. */
  readonly notAfter: string;
  readonly fingerprint256: string;
}

/** A checked pair, ready for `tls.Server#setSecureContext`. */
export interface TlsPair {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly certificate: CertificateInfo;
}

export type TlsFailure = 'unreadable' | 'bad_certificate' | 'bad_key' | 'mismatch';

/** A pair that cannot be served; the message names the file and never quotes its content. */
export class TlsFilesError extends Error {
  readonly code = 'ERR_TLS_FILES';

  constructor(
    readonly reason: TlsFailure,
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'TlsFilesError';
  }
}

async function read(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new TlsFilesError('unreadable', file, `cannot read the TLS ${what} file ${file}: ${e.code ?? e.message}`);
  }
}

function leafOf(cert: Buffer, file: string): X509Certificate {
  try {
    // Parses the first PEM block: the leaf of a chain.
    return new X509Certificate(cert);
  } catch {
    throw new TlsFilesError('bad_certificate', file, `the TLS certificate file ${file} holds no PEM certificate`);
  }
}

function privateKeyOf(key: Buffer, file: string): KeyObject {
  try {
    return createPrivateKey(key);
  } catch {
    // OpenSSL's message is dropped on purpose: a decoder error may echo part of what it read.
    throw new TlsFilesError('bad_key', file, `the TLS key file ${file} holds no PEM private key`);
  }
}

export function describeCertificate(leaf: X509Certificate): CertificateInfo {
  const notAfter = new Date(leaf.validTo);
  return {
    subject: leaf.subject.replace(/\n/g, ', '),
    issuer: leaf.issuer.replace(/\n/g, ', '),
    serial: leaf.serialNumber,
    notAfter: Number.isNaN(notAfter.getTime()) ? leaf.validTo : notAfter.toISOString(),
    fingerprint256: leaf.fingerprint256,
  };
}

/** Reads both files and checks they form one servable pair; throws `TlsFilesError` otherwise. */
export async function loadTlsPair(files: TlsFiles): Promise<TlsPair> {
  // One after the other: with both missing, the error names the certificate every time.
  const cert = await read(files.certFile, 'certificate');
  const key = await read(files.keyFile, 'key');
  const leaf = leafOf(cert, files.certFile);
  const privateKey = privateKeyOf(key, files.keyFile);
  if (!leaf.checkPrivateKey(privateKey)) {
    const message = `the TLS key file ${files.keyFile} is not the key of the certificate in ${files.certFile} (files from two rotations?)`;
    throw new TlsFilesError('mismatch', files.keyFile, message);
  }
  try {
    // What the server will do with them: catches whatever the checks above do not (a broken chain block).
    createSecureContext({ cert, key });
  } catch {
    throw new TlsFilesError('bad_certificate', files.certFile, `the TLS certificate file ${files.certFile} cannot be served with the key in ${files.keyFile}`);
  }
  return { cert, key, certificate: describeCertificate(leaf) };
}

/** Whether two pairs are byte for byte the same files. */
export function samePair(a: Pick<TlsPair, 'cert' | 'key'>, b: Pick<TlsPair, 'cert' | 'key'>): boolean {
  return a.cert.equals(b.cert) && a.key.equals(b.key);
}
