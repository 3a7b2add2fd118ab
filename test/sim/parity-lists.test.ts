// Paged lists as kube-apiserver v1.36 serves them (recorded by test/e2e/parity.e2e.ts): token format, one snapshot, 400 and 410 bodies.
import t from 'tap';
import { makeNode, makePod } from '../../src/sim/kube/index.js';
import { raw, simFor } from '../support/sim-helpers.js';

interface List {
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: { metadata: { name: string } }[];
}

const decode = (token: string): unknown => JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));

void t.test('a continue token is base64url JSON {v, rv, start}, start the key served last plus NUL', async (t) => {
  const sim = await simFor(t);
  for (const n of ['p0', 'p1', 'p2']) sim.store.createNode(makeNode({ name: n, machineID: 'a'.repeat(32) }));
  sim.store.createPod(makePod({ namespace: 'default', name: 'w0', nodeName: 'p0' }));
  sim.store.createPod(makePod({ namespace: 'default', name: 'w1', nodeName: 'p0' }));
  const nodes = (await raw(sim, 'GET', '/api/v1/nodes?limit=2')).json<List>();
  const rv = Number(nodes.metadata.resourceVersion);
  t.same(decode(nodes.metadata.continue ?? ''), { v: 'meta.k8s.io/v1', rv, start: '/p1\u0000' });
  t.notMatch(nodes.metadata.continue ?? '', /[=+/]/, 'unpadded base64url');
  const all = (await raw(sim, 'GET', '/api/v1/pods?limit=1')).json<List>();
  t.same(decode(all.metadata.continue ?? ''), { v: 'meta.k8s.io/v1', rv, start: '/default/w0\u0000' }, 'across namespaces: /ns/name');
  const inNs = (await raw(sim, 'GET', '/api/v1/namespaces/default/pods?limit=1')).json<List>();
  t.same(decode(inNs.metadata.continue ?? ''), { v: 'meta.k8s.io/v1', rv, start: '/w0\u0000' }, 'in a namespace: /name');
  const next = (await raw(sim, 'GET', `/api/v1/namespaces/default/pods?limit=1&continue=${inNs.metadata.continue ?? ''}`)).json<List>();
  t.same(next.items.map((i) => i.metadata.name), ['w1']);
});

void t.test('a garbled continue token is 400 BadRequest in the API server\'s words', async (t) => {
  const sim = await simFor(t);
  const garbage = await raw(sim, 'GET', '/api/v1/nodes?limit=2&continue=garbage');
  t.equal(garbage.status, 400);
  t.same(garbage.json(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: "invalid continue token: continue key is not valid: invalid character '\\u0081' looking for beginning of value",
    reason: 'BadRequest',
    code: 400,
  });
  const other = Buffer.from(JSON.stringify({ v: 'x', rv: 1, start: '/a\u0000' })).toString('base64url');
  t.match((await raw(sim, 'GET', `/api/v1/nodes?limit=2&continue=${other}`)).json(), { message: 'invalid continue token: continue key is not valid: server does not recognize this encoded version x' });
});

void t.test('an expired continue token is 410 Expired with a token that goes on inconsistently', async (t) => {
  const sim = await simFor(t, { historyLimit: 2 });
  for (const n of ['p0', 'p1', 'p2']) sim.store.createNode(makeNode({ name: n, machineID: 'a'.repeat(32) }));
  const first = (await raw(sim, 'GET', '/api/v1/nodes?limit=2')).json<List>();
  for (let i = 0; i < 3; i++) sim.store.updateNode('p0', (n) => void (n.metadata.labels = { ...n.metadata.labels, i: String(i) }));
  const expired = await raw(sim, 'GET', `/api/v1/nodes?limit=2&continue=${first.metadata.continue ?? ''}`);
  t.equal(expired.status, 410);
  const body = expired.json<{ reason: string; message: string; metadata: { continue: string } }>();
  t.match(body, { kind: 'Status', status: 'Failure', reason: 'Expired', code: 410, message: /^The provided continue parameter is too old to display a consistent list result\. You can start a new list without the continue parameter, or use the continue token in this response/ });
  t.same(decode(body.metadata.continue), { v: 'meta.k8s.io/v1', rv: -1, start: 'p1\u0000' });
  const rest = (await raw(sim, 'GET', `/api/v1/nodes?limit=2&continue=${body.metadata.continue}`)).json<List>();
  t.same(rest.items.map((i) => i.metadata.name), ['p2'], 'the inconsistent token resumes after the last key');
});
