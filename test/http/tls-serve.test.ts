// `reboot-manager serve --tls-cert-file --tls-key-file` against the simulated cluster: Zincati's requests over HTTPS.
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import t from 'tap';
import { Agent, request } from 'undici';
import { parseServeConfig } from '../../src/config/serve.js';
import { FleetLockClient } from '../../src/fleetlock/client.js';
import { startServer } from '../../src/server.js';
import { startCluster } from '../support/cluster.js';
import { SecretVolume, makePki } from '../support/tls-certs.js';

const pki = await makePki();
t.teardown(() => pki.cleanup());
const leaf = await pki.leaf(0x3001);

void t.test('serve with TLS: a node gets its slot over HTTPS; the certificate expiry is a metric', async (t) => {
  // Outside t.testdir(), which startCluster resets for its kubeconfig.
  const volume = new SecretVolume(join(pki.dir, 'volume'));
  await volume.publish(leaf.chain, leaf.key);
  const cluster = await startCluster(t, { nodes: 2, flags: ['--leader-elect=false', '--tls-cert-file', volume.certFile, '--tls-key-file', volume.keyFile] });
  const server = await cluster.leader();
  t.match(server.url, /^https:\/\/127\.0\.0\.1:\d+\/$/);

  const agent = new Agent({ connect: { ca: pki.ca }, localAddress: cluster.addressOf('node-01') });
  t.teardown(() => agent.close());
  const client = new FleetLockClient({ baseUrl: server.url, id: cluster.zincatiIdOf('node-01'), group: 'default', timeoutMs: 30_000, dispatcher: agent });
  t.same(await client.preReboot(), { ok: true, status: 200 }, 'pre-reboot granted over HTTPS');
  t.same(cluster.holders(), ['node-01']);

  const plain = new FleetLockClient({ baseUrl: server.url, id: cluster.zincatiIdOf('node-02'), group: 'default', timeoutMs: 30_000, localAddress: cluster.addressOf('node-02') });
  t.teardown(() => plain.close());
  t.match(await plain.preReboot(), { ok: false, kind: 'network' }, 'a client that does not trust the CA gets no answer');

  const metrics = await request(`${server.internalUrl}metrics`);
  const text = await metrics.body.text();
  const expiry = /^reboot_manager_tls_certificate_expiry_seconds (\d+)$/m.exec(text)?.[1];
  const notAfter = Date.parse(new X509Certificate(leaf.chain).validTo) / 1000;
  t.equal(Number(expiry), notAfter, "the gauge is the certificate's notAfter in unix seconds");
  t.match(server.internalUrl, /^http:\/\//, 'the internal port stays plain HTTP, inside the cluster');
});

void t.test('serve with missing TLS files does not start, and says which file', async (t) => {
  const dir = t.testdir();
  const missing = join(dir, 'tls.crt');
  const config = parseServeConfig(['--listen', '127.0.0.1:0', '--kubeconfig', join(dir, 'kubeconfig'), '--tls-cert-file', missing, '--tls-key-file', join(dir, 'tls.key')], {});
  await t.rejects(startServer(config), { code: 'ERR_TLS_FILES', message: `cannot read the TLS certificate file ${missing}: ENOENT` });
});
