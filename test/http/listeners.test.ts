// The public port serves FleetLock and nothing else; the status page, metrics and probes are on the internal port.
import t from 'tap';
import { request } from 'undici';
import { startCluster } from '../support/cluster.js';

const INTERNAL_ONLY = ['/', '/status.js', '/status.css', '/api/v1/status', '/metrics', '/healthz', '/readyz'];

void t.test('the internal routes are absent from the public port and present on the internal one', async (t) => {
  const c = await startCluster(t, { nodes: 1 });
  const leader = await c.leader();
  t.not(new URL(leader.url).port, new URL(leader.internalUrl).port, 'two ports');
  for (const path of INTERNAL_ONLY) {
    const pub = await request(new URL(path, leader.url), { method: 'GET' });
    t.equal(pub.statusCode, 404, `GET ${path} on the public port`);
    const body = (await pub.body.json()) as { kind?: string; value?: string };
    t.equal(body.kind, 'not_found', 'answered in the FleetLock shape');
    t.notMatch(body.value ?? '', /node-01|Rebooting|holders/, 'and telling nothing about the cluster');

    const internal = await request(new URL(path, leader.internalUrl), { method: 'GET' });
    t.equal(internal.statusCode, 200, `GET ${path} on the internal port`);
    await internal.body.dump();
  }
  const fleetLockOnInternal = await request(new URL('v1/pre-reboot', leader.internalUrl), {
    method: 'POST',
    headers: { 'fleet-lock-protocol': 'true' },
    body: JSON.stringify({ client_params: { id: c.zincatiIdOf('node-01'), group: 'default' } }),
  });
  t.equal(fleetLockOnInternal.statusCode, 404, 'FleetLock is not served on the internal port');
  await fleetLockOnInternal.body.dump();
  t.same(c.holders(), []);
});
