import t from 'tap';
import { nodeName, startCluster } from '../support/cluster.js';

/** Small deterministic PRNG, so a failing seed can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

for (const seed of SEEDS) {
  t.test(`seed ${seed}: 50 simultaneous claims against 3 replicas leave exactly the allowed holders`, async (t) => {
    const random = mulberry32(seed);
    const allowed = 1 + Math.floor(random() * 3);
    const c = await startCluster(t, { nodes: 50, replicas: 3, flags: ['--max-rebooting', String(allowed), '--slots-per-group', String(allowed)] });
    // API trouble on the claim path: conflicts and latency on node writes.
    c.sim.faults.inject({ verb: 'patch', resource: 'nodes', status: 409, times: Math.floor(random() * 6) });
    c.sim.faults.inject({ verb: 'patch', resource: 'nodes', delayMs: Math.floor(random() * 30), times: 20 });

    let most = 0;
    const off = c.sim.store.onChange(() => {
      most = Math.max(most, c.holders().length);
    });
    t.teardown(off);

    const names = Array.from({ length: 50 }, (_, i) => nodeName(i + 1)).sort(() => random() - 0.5);
    const clients = await Promise.all(names.map((name, i) => c.client(name, { server: c.servers[i % 3] })));
    const results = await Promise.all(clients.map((client) => client.preReboot()));
    const granted = results.filter((r) => r.ok).length;

    t.equal(c.holders().length, allowed, `exactly ${allowed} node(s) hold a slot`);
    t.ok(granted <= allowed, `${granted} grant(s), at most ${allowed}`);
    t.ok(most <= allowed, `never more than ${allowed} holder(s) at any instant (saw ${most})`);
    const kinds = new Set(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.kind)));
    t.same([...kinds].filter((k) => !['slots_full', 'not_leader', 'unavailable'].includes(k)), [], `refusals only say wait: ${[...kinds].join(', ')}`);
  });
}
