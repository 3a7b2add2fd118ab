// Leases validate like the real API: MicroTime with six fractional digits, positive durations, CAS updates.
import { CoordinationV1Api } from '@kubernetes/client-node';
import t from 'tap';
import { apiError, kubeConfig, raw, SA, simFor } from '../support/sim-helpers.js';

void t.test('lease times must be MicroTime and durations positive', async (t) => {
  const sim = await simFor(t);
  const coord = kubeConfig(sim, SA).makeApiClient(CoordinationV1Api);
  const path = '/apis/coordination.k8s.io/v1/namespaces/reboot-manager/leases';
  const body = (spec: Record<string, unknown>) => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'leader' }, spec });

  const millis = await raw(sim, 'POST', path, { body: body({ holderIdentity: 'a', leaseDurationSeconds: 15, renewTime: new Date().toISOString() }) });
  t.equal(millis.status, 400, 'a JS Date with three fractional digits is rejected');
  t.match(millis.json(), { kind: 'Status', reason: 'BadRequest', code: 400 });
  const zero = await raw(sim, 'POST', path, { body: body({ holderIdentity: 'a', leaseDurationSeconds: 0 }) });
  t.equal(zero.status, 422);
  t.match(zero.json(), { reason: 'Invalid', message: /spec.leaseDurationSeconds/ });

  const created = await coord.createNamespacedLease({
    namespace: 'reboot-manager',
    body: body({ holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: '2026-01-02T03:04:05.123456Z', renewTime: '2026-01-02T03:04:05.123456Z' }),
  });
  t.equal(created.spec?.holderIdentity, 'a');
  const readBack = await raw(sim, 'GET', `${path}/leader`);
  t.match(readBack.json(), { spec: { renewTime: '2026-01-02T03:04:05.123456Z' } }, 'read back as the same string');

  const takeover = { ...created, spec: { ...created.spec, holderIdentity: 'b' } };
  await coord.replaceNamespacedLease({ name: 'leader', namespace: 'reboot-manager', body: takeover });
  const lost = await apiError(coord.replaceNamespacedLease({ name: 'leader', namespace: 'reboot-manager', body: { ...created, spec: { ...created.spec, holderIdentity: 'c' } } }));
  t.equal(lost.code, 409, 'a second writer from the same version loses');
  t.equal(sim.store.get('leases', 'reboot-manager', 'leader')?.spec?.holderIdentity, 'b');
});
