// A cluster with something to show on the status page: a holder whose drain a PodDisruptionBudget
// blocks, a node an admin cordoned, and a node whose slot was released. Used by the status API,
// page and browser tests. And a bare HTTP server whose status data the test makes up.
import { pino } from 'pino';
import type { Test } from 'tap';
import { buildInternalServer } from '../../src/http/internal-server.js';
import type { StatusSource } from '../../src/http/status-routes.js';
import type { RunningServer } from '../../src/server.js';
import type { StatusSnapshot } from '../../src/status/snapshot.js';
import { addPdb, addReplicaSet, drainNoteMatches, rebootAndWaitForRelease, startDrainCluster } from './drain-cluster.js';
import type { TestCluster } from './cluster.js';

export async function startStatusCluster(t: Test, opts: { replicas?: number } = {}): Promise<TestCluster> {
  const c = await startDrainCluster(t, { nodes: 3, replicas: opts.replicas ?? 1 });
  // node-03 takes a slot (nothing to drain: granted at once), reboots and gets it back.
  t.match(await c.preReboot('node-03'), { ok: true, status: 200 }, 'node-03 is granted');
  await rebootAndWaitForRelease(c, 'node-03');
  // An admin cordons node-02 by hand.
  c.sim.store.updateNode('node-02', (n) => {
    n.spec.unschedulable = true;
  });
  // node-01 claims; its second pod waits on the budget (no replacement turns Ready in these tests).
  addReplicaSet(c, 'shop', 'web', ['node-01', 'node-01', 'node-02']);
  addPdb(c, 'shop', 'web', 'web', 2);
  t.match(await c.preReboot('node-01'), { ok: false, status: 423, kind: 'draining' }, 'node-01 claims and drains');
  await drainNoteMatches(c, 'node-01', /^1\/2 pods evicted; waiting on PodDisruptionBudget shop\/web$/);
  for (const server of c.servers) await caughtUp(server);
  return c;
}

/** Waits until this replica's own cache shows what `startStatusCluster` set up. */
export async function caughtUp(server: RunningServer): Promise<void> {
  await server.nodes.waitFor(() => {
    const drain = server.nodes.get('node-01')?.annotations['rebootmanager/drain'] ?? '';
    return /^1\/2 pods evicted; waiting on/.test(drain) && server.nodes.get('node-02')?.unschedulable && server.nodes.get('node-03')?.annotations['rebootmanager/released-at'];
  }, 10_000);
}

export async function getStatus(server: RunningServer): Promise<{ status: number; headers: Headers; body: StatusSnapshot }> {
  const res = await fetch(new URL('api/v1/status', server.internalUrl));
  return { status: res.status, headers: res.headers, body: (await res.json()) as StatusSnapshot };
}

/** The real internal HTTP server with a made-up status source; its origin. */
export async function startPageServer(t: Test, status: StatusSource): Promise<string> {
  const app = buildInternalServer({
    readiness: { readiness: () => ({ ready: true, reason: 'leader' }) },
    status,
    logger: pino({ level: 'silent' }),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return `http://127.0.0.1:${address.port}`;
}
