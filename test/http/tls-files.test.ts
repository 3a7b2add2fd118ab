// The TLS pair is checked before it is served, and a bad one never replaces a good one.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import t from 'tap';
import { parseServeConfig } from '../../src/config/serve.js';
import { TlsFilesError, loadTlsPair, type TlsPair } from '../../src/http/tls-files.js';
import { TlsReloader } from '../../src/http/tls-reloader.js';
import type { LogLine } from '../support/http-harness.js';
import { makePki } from '../support/tls-certs.js';

const pki = await makePki();
t.teardown(() => pki.cleanup());
const [a, b, c] = await Promise.all([pki.leaf(0x1001), pki.leaf(0x1002), pki.leaf(0x1003)]);

async function filesIn(dir: string, cert: string, key: string) {
  const files = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
  await writeFile(files.certFile, cert);
  await writeFile(files.keyFile, key);
  return files;
}

void t.test('--tls-cert-file and --tls-key-file: both or neither, from flags or the environment', async (t) => {
  t.equal(parseServeConfig([], {}).tls, undefined, 'plain HTTP by default');
  t.same(parseServeConfig(['--tls-cert-file', '/tls/tls.crt', '--tls-key-file', '/tls/tls.key'], {}).tls, { certFile: '/tls/tls.crt', keyFile: '/tls/tls.key' });
  const env = { REBOOT_MANAGER_TLS_CERT_FILE: '/e/tls.crt', REBOOT_MANAGER_TLS_KEY_FILE: '/e/tls.key' };
  t.same(parseServeConfig([], env).tls, { certFile: '/e/tls.crt', keyFile: '/e/tls.key' });
  const both = /give both --tls-cert-file \(REBOOT_MANAGER_TLS_CERT_FILE\) and --tls-key-file \(REBOOT_MANAGER_TLS_KEY_FILE\), or neither/;
  t.throws(() => parseServeConfig(['--tls-cert-file', '/tls/tls.crt'], {}), { name: 'ConfigError', message: both });
  t.throws(() => parseServeConfig([], { REBOOT_MANAGER_TLS_KEY_FILE: '/tls/tls.key' }), { name: 'ConfigError', message: both });
});

void t.test('a chain and its key load; what the logs show of it is the leaf, never the key', async (t) => {
  const files = await filesIn(t.testdir(), a.chain, a.key);
  const pair = await loadTlsPair(files);
  t.equal(pair.certificate.serial, a.serial);
  t.match(pair.certificate.subject, /CN=reboot-manager 4097/);
  t.match(pair.certificate.issuer, /CN=reboot-manager test intermediate/, 'the leaf, not the intermediate after it');
  t.ok(Date.parse(pair.certificate.notAfter) > Date.now(), 'notAfter as a date');
  t.notMatch(JSON.stringify(pair.certificate), /PRIVATE KEY/);
});

void t.test('bad pairs are refused with a typed error naming the file', async (t) => {
  const dir = t.testdir();
  const missing = join(dir, 'absent.crt');
  const good = await filesIn(dir, a.chain, a.key);
  await t.rejects(loadTlsPair({ ...good, certFile: missing }), { name: 'TlsFilesError', code: 'ERR_TLS_FILES', reason: 'unreadable', file: missing, message: `cannot read the TLS certificate file ${missing}: ENOENT` });
  const mixed = await filesIn(t.testdir(), b.chain, c.key);
  const err = await loadTlsPair(mixed).catch((e: unknown) => e);
  t.type(err, TlsFilesError);
  t.match(err, { reason: 'mismatch', file: mixed.keyFile, message: `the TLS key file ${mixed.keyFile} is not the key of the certificate in ${mixed.certFile}` });
  const junk = await filesIn(t.testdir(), 'not a certificate', a.key);
  await t.rejects(loadTlsPair(junk), { name: 'TlsFilesError', reason: 'bad_certificate', file: junk.certFile, message: `the TLS certificate file ${junk.certFile} holds no PEM certificate` });
  const noKey = await filesIn(t.testdir(), a.chain, a.chain);
  const keyErr = await loadTlsPair(noKey).catch((e: unknown) => e);
  t.match(keyErr, { reason: 'bad_key', file: noKey.keyFile });
  t.notMatch((keyErr as Error).message, /BEGIN/, 'no file content in the message');
});

void t.test('the reloader: a new pair is applied, a bad one is logged once and retried on the next change', async (t) => {
  const dir = t.testdir();
  const files = await filesIn(dir, a.chain, a.key);
  const logs: LogLine[] = [];
  const applied: TlsPair[] = [];
  const expiries: string[] = [];
  const reloader = new TlsReloader({
    files,
    initial: await loadTlsPair(files),
    apply: (pair) => void applied.push(pair),
    log: pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) }),
    onCertificate: (cert) => void expiries.push(cert.serial),
  });
  // Not started: no directory watch racing these writes; each check is asked for explicitly.
  t.teardown(() => reloader.close());

  t.equal(await reloader.check(), 'unchanged', 'same files: nothing applied');
  await filesIn(dir, b.chain, c.key);
  t.equal(await reloader.check(), 'rejected');
  t.equal(await reloader.check(), 'rejected');
  t.same(applied, [], 'the mismatched pair never reached the server');
  t.equal(reloader.certificate.serial, a.serial, 'the first certificate stays in force');
  const errors = () => logs.filter((l) => l.level === 50);
  t.equal(errors().length, 1, 'one error line for one failure, however often it is seen');
  t.match(errors()[0], { reason: 'mismatch', file: files.keyFile, kept: { serial: a.serial }, msg: /is not the key of the certificate.*stays until the files change again/ });

  await filesIn(dir, b.chain, b.key);
  t.equal(await reloader.check(), 'reloaded', 'the next good pair is applied');
  t.same(applied.map((p) => p.certificate.serial), [b.serial]);
  t.same(expiries, [b.serial], 'the certificate put in force is reported (the expiry gauge)');
  t.match(logs.find((l) => l.msg === 'new TLS certificate in force for new connections'), { certificate: { serial: b.serial, notAfter: String } });

  await filesIn(dir, b.chain, c.key);
  t.equal(await reloader.check(), 'rejected');
  t.equal(errors().length, 2, 'the same failure after a success is news again');
  t.notMatch(JSON.stringify(logs), /PRIVATE KEY|BEGIN/, 'no key material (or any PEM) in any log line');
});

void t.test('a server that fails to take a pair does not stop later reloads', async (t) => {
  const dir = t.testdir();
  const files = await filesIn(dir, a.chain, a.key);
  let refuse = true;
  const applied: string[] = [];
  const apply = (pair: TlsPair) => {
    if (refuse) throw new Error('setSecureContext failed');
    applied.push(pair.certificate.serial);
  };
  const reloader = new TlsReloader({ files, initial: await loadTlsPair(files), apply, log: pino({ level: 'silent' }) });
  t.teardown(() => reloader.close());
  await filesIn(dir, b.chain, b.key);
  await t.rejects(reloader.check(), { message: 'setSecureContext failed' });
  t.equal(reloader.certificate.serial, a.serial, 'the old pair is still the one in force');
  refuse = false;
  t.equal(await reloader.check(), 'reloaded', 'the next look applies it');
  t.same(applied, [b.serial]);
});
