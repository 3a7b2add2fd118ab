// Simulator parity, reads: the KubeApi contract on a real kube-apiserver, paged lists and watches, the same requests to both.
import t from 'tap';
import { createKubeApi } from '../../src/kube/rest-api.js';
import { makeNode, makePod } from '../../src/sim/kube/fixtures.js';
import { compactEtcd } from '../support/admin-contract-store.js';
import type { ContractStore } from '../support/contract-store.js';
import { kubeApiContract } from '../support/kube-api-contract.js';
import { startParityPlane } from '../support/parity-rig.js';
import type { Side } from '../support/parity-sides.js';
import { decodeToken, normalise } from '../support/parity-sides.js';

const p = await startParityPlane(t);
const node = (name: string) => makeNode({ name, machineID: 'a'.repeat(32) });

interface Page {
  metadata: { resourceVersion: string; continue?: string };
  items: { metadata: { name: string } }[];
}

void t.test('the KubeApi contract holds on the real server', async (t) => {
  kubeApiContract(t, async () => {
    await p.realStore.reset();
    return { api: createKubeApi(p.plane.adminKubeconfig), store: p.realStore };
  });
});

/** Pages through `path` with limit 2, writing `between` after the first page; names seen and each page's version. */
async function pageThrough(side: Side, path: string, between: () => Promise<unknown>) {
  const first = (await side.call('GET', `${path}?limit=2`)).body as Page;
  await between();
  const names = first.items.map((i) => i.metadata.name);
  const versions = [first.metadata.resourceVersion];
  const tokens = [first.metadata.continue];
  for (let token = first.metadata.continue; token; ) {
    const page = (await side.call('GET', `${path}?limit=2&continue=${token}`)).body as Page;
    names.push(...page.items.map((i) => i.metadata.name));
    versions.push(page.metadata.resourceVersion);
    token = page.metadata.continue;
    tokens.push(token);
  }
  return { names, versions, tokens: tokens.filter((x): x is string => x !== undefined) };
}

void t.test('paged lists: one snapshot, the first page\'s version on every page, the same token format', async (t) => {
  const { sim, simStore } = await p.fresh(t);
  for (const [side, store] of [[p.real, p.realStore], [sim, simStore]] as [Side, ContractStore][]) {
    for (let i = 0; i < 5; i++) await store.createNode(node(`pg-${i}`));
    for (let i = 0; i < 5; i++) await store.createPod(makePod({ namespace: 'default', name: `w${i}`, nodeName: 'pg-0' }));
    const nodes = await pageThrough(side, '/api/v1/nodes', () => store.createNode(node('pg-35')));
    t.same(nodes.names, ['pg-0', 'pg-1', 'pg-2', 'pg-3', 'pg-4'], `${side.name}: a node created between pages is not listed`);
    t.equal(new Set(nodes.versions).size, 1, `${side.name}: every page carries the first page's version`);
    const pods = await pageThrough(side, '/api/v1/namespaces/default/pods', () => store.createPod(makePod({ namespace: 'default', name: 'w35', nodeName: 'pg-0' })));
    t.same(pods.names, ['w0', 'w1', 'w2', 'w3', 'w4'], `${side.name}: pods too`);
    t.same(pods.tokens.map(decodeToken), [{ v: 'meta.k8s.io/v1', rv: 1, start: '/w1\u0000' }, { v: 'meta.k8s.io/v1', rv: 1, start: '/w3\u0000' }], `${side.name}: token format`);
    const all = (await side.call('GET', '/api/v1/pods?limit=1')).body as Page;
    t.same(decodeToken(all.metadata.continue ?? ''), { v: 'meta.k8s.io/v1', rv: 1, start: '/default/w0\u0000' }, `${side.name}: across namespaces`);
  }
});

void t.test('a garbled continue token is the same 400; an expired one the same 410', async (t) => {
  const { sim, simStore } = await p.fresh(t, { historyLimit: 2 });
  for (const bad of ['garbage', Buffer.from(JSON.stringify({ v: 'x', rv: 1, start: '/a\u0000' })).toString('base64url'), 'a!b']) {
    const [real, simmed] = [await p.real.call('GET', `/api/v1/pods?limit=1&continue=${bad}`), await sim.call('GET', `/api/v1/pods?limit=1&continue=${bad}`)];
    if (!t.same(normalise(simmed.body), normalise(real.body), `continue=${bad}`)) t.comment(`real: ${JSON.stringify(real.body)}\nsim: ${JSON.stringify(simmed.body)}`);
    t.equal(simmed.status, real.status);
  }
  // Nodes bypass the watch cache here: a pods list resumes from the cache's snapshots even after etcd compacts.
  const tokens: Record<string, string> = {};
  for (const [side, store] of [[p.real, p.realStore], [sim, simStore]] as [Side, ContractStore][]) {
    for (const n of ['a', 'b', 'c']) await store.createNode(node(n));
    tokens[side.name] = ((await side.call('GET', '/api/v1/nodes?limit=2')).body as Page).metadata.continue ?? '';
    for (const n of ['d', 'e', 'f']) await store.createNode(node(n));
  }
  await compactEtcd(p.plane.etcdUrl);
  const real = await p.real.call('GET', `/api/v1/nodes?limit=2&continue=${tokens.real ?? ''}`);
  const simmed = await sim.call('GET', `/api/v1/nodes?limit=2&continue=${tokens.sim ?? ''}`);
  t.equal(real.status, 410);
  t.same(normalise(simmed.body), normalise(real.body), '410 Expired, with a token to go on inconsistently');
});

void t.test('watch from a compacted version: 200, one ERROR 410 Expired, the end', async (t) => {
  const { sim, simStore } = await p.fresh(t, { historyLimit: 2 });
  const seen: Record<string, unknown> = {};
  for (const [side, store] of [[p.real, p.realStore], [sim, simStore]] as [Side, ContractStore][]) {
    const from = await store.resourceVersion();
    await store.createNode(node('w-1'));
    for (let i = 0; i < 3; i++) await store.labelNode('w-1', { i: String(i) });
    await store.compact();
    const w = await side.watch(`/api/v1/nodes?watch=true&resourceVersion=${from}`, 10_000);
    t.equal(w.status, 200, `${side.name}: HTTP 200`);
    t.same(w.events.map((e) => e.type), ['ERROR'], `${side.name}: one ERROR, then the stream ends`);
    seen[side.name] = w.events[0]?.object;
  }
  t.match(seen.real, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 });
  t.match(seen.sim, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 });
  t.comment(`messages: real ${JSON.stringify(seen.real)} / sim ${JSON.stringify(seen.sim)}`);
});

void t.test('watch: bookmarks when allowed, the same shape; a fieldSelector on spec.nodeName', async (t) => {
  const { sim, simStore } = await p.fresh(t);
  const bookmarks: Record<string, unknown> = {};
  for (const [side, store] of [[p.real, p.realStore], [sim, simStore]] as [Side, ContractStore][]) {
    const from = await store.resourceVersion();
    const watching = side.watch(`/api/v1/pods?watch=true&allowWatchBookmarks=true&timeoutSeconds=10&resourceVersion=${from}&fieldSelector=spec.nodeName%3Dn2`, 15_000, (es) => es.some((e) => e.type === 'BOOKMARK') && es.some((e) => e.type === 'DELETED'));
    await store.createPod(makePod({ namespace: 'default', name: 'elsewhere', nodeName: 'n3' }));
    const here = await store.createPod(makePod({ namespace: 'default', name: 'here', nodeName: 'n2' }));
    await side.call('DELETE', `/api/v1/namespaces/default/pods/here`, { gracePeriodSeconds: 0, preconditions: { uid: here.metadata.uid } });
    const w = await watching;
    const named = w.events.filter((e) => e.type !== 'BOOKMARK').map((e) => `${e.type} ${(e.object.metadata as { name: string }).name}`);
    t.same(named.filter((n) => n !== 'MODIFIED here'), ['ADDED here', 'DELETED here'], `${side.name}: only the pod on n2`);
    const bookmark = w.events.find((e) => e.type === 'BOOKMARK');
    t.ok(bookmark, `${side.name}: a bookmark within the timeout`);
    t.ok(Number((bookmark?.object.metadata as { resourceVersion?: string } | undefined)?.resourceVersion) >= Number(from), `${side.name}: at or after the start`);
    bookmarks[side.name] = bookmark?.object;
    t.comment(`${side.name}: first bookmark after ${bookmark?.atMs ?? -1} ms`);
  }
  t.same(normalise(bookmarks.sim), normalise(bookmarks.real), 'the same bookmark object');

  const initial: Record<string, unknown> = {};
  for (const side of [p.real, sim]) {
    const w = await side.watch('/api/v1/namespaces/default/pods?watch=true&allowWatchBookmarks=true&timeoutSeconds=5', 8000, (es) => es.some((e) => e.type === 'BOOKMARK'));
    t.same(w.events.map((e) => e.type), ['ADDED', 'BOOKMARK'], `${side.name}: without a version, the initial state then a bookmark`);
    t.ok((w.events[1]?.atMs ?? Infinity) < 1000, `${side.name}: at once`);
    initial[side.name] = w.events[1]?.object;
    const zero = await side.watch('/api/v1/namespaces/default/pods?watch=true&allowWatchBookmarks=true&timeoutSeconds=3&resourceVersion=0', 1500);
    t.comment(`${side.name}: from version 0: ${zero.events.map((e) => `${e.type}@${e.atMs}`).join(',')}`);
  }
  t.same(normalise(initial.sim), normalise(initial.real), 'annotated k8s.io/initial-events-end');
});
