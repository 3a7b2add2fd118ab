// HTTPS on the FleetLock port: rotations of the files reach new connections without a restart.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import t, { type Test } from 'tap';
import { Agent, request } from 'undici';
import { pollUntil } from '../../kit/poll.js';
import type { TlsFiles } from '../../src/http/tls-files.js';
import { loadTlsServing } from '../../src/http/tls-serving.js';
import { ZINCATI_BODY, startHarness, type Harness } from '../support/http-harness.js';
import { SecretVolume, makePki, servedSerial } from '../support/tls-certs.js';

const pki = await makePki();
t.teardown(() => pki.cleanup());
const [a, b, c, d] = await Promise.all([pki.leaf(0x2001), pki.leaf(0x2002), pki.leaf(0x2003), pki.leaf(0x2004)]);

async function serve(t: Test, files: TlsFiles): Promise<Harness> {
  const harness = await startHarness({ tls: await loadTlsServing(files) });
  t.teardown(() => harness.close());
  return harness;
}

/** A pre-reboot as Zincati sends it, over HTTPS verified against the test root only. */
async function preReboot(t: Test, origin: string): Promise<number> {
  const agent = new Agent({ connect: { ca: pki.ca } });
  t.teardown(() => agent.close());
  const res = await request(`${origin}/v1/pre-reboot`, { method: 'POST', headers: { 'fleet-lock-protocol': 'true' }, body: ZINCATI_BODY, dispatcher: agent });
  await res.body.dump();
  return res.statusCode;
}

const sees = (harness: Harness, serial: string) => () => pollUntil(`new connections to get certificate ${serial}`, async () => (await servedSerial(harness.port, pki.ca)) === serial, { timeoutMs: 15_000, intervalMs: 50 });

/** A TLS connection opened now and kept open. */
function openConnection(t: Test, port: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: pki.ca, servername: 'localhost' }, () => resolve(socket));
    socket.on('error', reject);
    t.teardown(() => void socket.destroy());
  });
}

/** Sends one keep-alive request on `socket` and resolves with the status line's code. */
function statusOver(socket: TLSSocket): Promise<number> {
  return new Promise((resolve, reject) => {
    let received = '';
    const onData = (chunk: Buffer) => {
      received += chunk.toString('utf8');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (!m) return;
      socket.off('data', onData);
      resolve(Number(m[1]));
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(`POST /v1/pre-reboot HTTP/1.1\r\nHost: localhost\r\nfleet-lock-protocol: true\r\nContent-Length: ${Buffer.byteLength(ZINCATI_BODY)}\r\n\r\n${ZINCATI_BODY}`);
  });
}

void t.test('a Secret-volume rotation (the ..data symlink swapped) is served to new connections; open ones keep theirs', async (t) => {
  const volume = new SecretVolume(t.testdir());
  await volume.publish(a.chain, a.key);
  const harness = await serve(t, volume);
  t.match(harness.origin, /^https:\/\/127\.0\.0\.1:/);
  t.equal(await preReboot(t, harness.origin), 200, 'a FleetLock pre-reboot over HTTPS, the chain verified against the root');
  t.equal(harness.calls.length, 1);
  t.equal(await servedSerial(harness.port, pki.ca), a.serial);
  const before = await openConnection(t, harness.port);

  await volume.publish(b.chain, b.key);
  await t.resolves(sees(harness, b.serial), 'the new certificate, without a restart');
  t.equal(await preReboot(t, harness.origin), 200, 'still serving FleetLock');
  t.equal(before.getPeerCertificate().serialNumber, a.serial, 'a connection opened before keeps the old certificate');
  t.equal(await statusOver(before), 200, '... and keeps working');
  t.match(harness.logs.find((l) => l.msg === 'new TLS certificate in force for new connections'), { level: 30, certificate: { serial: b.serial, subject: /CN=reboot-manager 8194/ } });
  t.equal(harness.logs.filter((l) => l.level >= 50).length, 0, 'no errors on an atomic swap');
  t.notMatch(JSON.stringify(harness.logs), /PRIVATE KEY|BEGIN/, 'no key material in the logs');
});

void t.test('files overwritten in place are picked up too', async (t) => {
  const dir = t.testdir();
  const files = { certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server-key.pem') };
  await writeFile(files.certFile, a.chain);
  await writeFile(files.keyFile, a.key);
  const harness = await serve(t, files);
  t.equal(await servedSerial(harness.port, pki.ca), a.serial);

  await writeFile(files.keyFile, b.key);
  await writeFile(files.certFile, b.chain);
  await t.resolves(sees(harness, b.serial));
  t.equal(await preReboot(t, harness.origin), 200);
});

void t.test('a mismatched pair keeps the certificate in force and is logged once; the next good pair is applied', async (t) => {
  const volume = new SecretVolume(t.testdir());
  await volume.publish(a.chain, a.key);
  const harness = await serve(t, volume);

  // Key and certificate from two different rotations.
  await volume.publish(b.chain, c.key);
  const errors = () => harness.logs.filter((l) => l.level === 50);
  const [error] = await pollUntil('the refusal to be logged', async () => (errors().length > 0 ? errors() : undefined), { timeoutMs: 15_000, intervalMs: 50 });
  t.match(error, { code: 'ERR_TLS_FILES', reason: 'mismatch', file: volume.keyFile, msg: new RegExp(`the TLS key file ${volume.keyFile} is not the key of the certificate in ${volume.certFile}`) });
  t.equal(await servedSerial(harness.port, pki.ca), a.serial, 'new connections still get the last good certificate');
  t.equal(await preReboot(t, harness.origin), 200, 'and FleetLock is still answered');

  await volume.publish(d.chain, d.key);
  await t.resolves(sees(harness, d.serial), 'retried on the next change');
  t.equal(errors().length, 1, 'logged once');
  t.notMatch(JSON.stringify(harness.logs), /PRIVATE KEY|BEGIN/);
});
