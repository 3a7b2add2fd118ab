// What a waiting node costs its Node: one write when its wait begins or its reason changes, the count at most every
// REWRITE_MS, and a failed write tried again at the next refusal rather than lost.
import { pino } from 'pino';
import t, { type Test } from 'tap';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { REWRITE_MS, WaitingBook } from '../../src/coordinator/waiting-book.js';
import { Refusal } from '../../src/fleetlock/refusal.js';
import type { NodeView } from '../../src/kube/node-view.js';
import { NodeCache } from '../../src/kube/nodes.js';
import { faultErrors, type CallFault } from '../../src/sim/kube/memory-faults.js';
import { createMemoryCluster } from '../../src/sim/kube/memory-api.js';
import { machineIdFor, makeNode } from '../../src/sim/kube/fixtures.js';
import { waitingOf, type Waiting } from '../../src/slot/waiting.js';
import { runUntil } from '../../src/sim/dst/drive.js';

const FULL = new Refusal('slots_full', 'all 1 reboot slot(s) are held (by node-01)');
const PAUSED = new Refusal('blocked', 'pause: new reboots are paused by alice');

async function rig(t: Test) {
  const clock = new VirtualClock();
  const cluster = createMemoryCluster({ clock });
  let failPatches = false;
  const onCall = (c: { verb: string; resource: string }): CallFault =>
    failPatches && c.verb === 'patch' && c.resource === 'nodes' ? { kind: 'fail', error: faultErrors.unavailable() } : { kind: 'none' };
  const api = cluster.api({ origin: 'memory://leader', faults: { onCall, onWatchEvent: () => ({ delayMs: 0 }) } });
  cluster.store.createNode(makeNode({ name: 'node-02', machineID: machineIdFor(2), clock }));
  const nodes = new NodeCache({ api, clock });
  const warnings: string[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
  const book = new WaitingBook({ nodes, clock, isLeader: () => true, log });
  nodes.start();
  t.teardown(() => {
    nodes.stop();
    cluster.close();
  });
  const until = (done: () => boolean): Promise<boolean> => runUntil(clock, done, 600_000);
  await until(() => nodes.synced);
  const node = (): NodeView => {
    const n = nodes.get('node-02');
    if (!n) throw new Error('node-02 is not in the cache');
    return n;
  };
  /** The wait as its Node shows it, once every write asked for so far was tried. */
  const written = async (): Promise<Waiting | undefined> => {
    let settled = false;
    void book.settled().then(() => (settled = true));
    await until(() => settled);
    const rv = cluster.store.getNode('node-02')?.metadata.resourceVersion;
    await until(() => nodes.get('node-02')?.resourceVersion === rv);
    const n = nodes.get('node-02');
    return n && waitingOf(n);
  };
  return { clock, book, node, written, warnings, version: () => cluster.store.getNode('node-02')?.metadata.resourceVersion, failPatches: (on: boolean) => (failPatches = on) };
}

void t.test('a wait is written when it begins, counted in memory, and written again with its count after REWRITE_MS', async (t) => {
  const r = await rig(t);
  const since = new Date(r.clock.now()).toISOString();
  r.book.refused(r.node(), 'default', FULL);
  t.match(await r.written(), { since, last: since, asks: 1, kind: 'slots_full', group: 'default' }, 'the first refusal is on the Node at once');
  const version = r.version();
  for (let i = 0; i < 100; i++) {
    r.clock.advance(1000);
    r.book.refused(r.node(), 'default', FULL);
  }
  t.match(await r.written(), { asks: 1 }, 'a hundred more refusals of the same wait write nothing');
  t.equal(r.version(), version, 'the Node was not written');
  r.clock.advance(REWRITE_MS);
  r.book.refused(r.node(), 'default', FULL);
  t.match(await r.written(), { since, last: new Date(r.clock.now()).toISOString(), asks: 102 }, 'the next refusal after REWRITE_MS writes the count and the last ask');
});

void t.test('a new reason is written at once and keeps the wait\'s start; a failed write is tried again at the next refusal', async (t) => {
  const r = await rig(t);
  const since = new Date(r.clock.now()).toISOString();
  r.book.refused(r.node(), 'default', FULL);
  t.match(await r.written(), { kind: 'slots_full', asks: 1 });
  r.clock.advance(60_000);
  r.failPatches(true);
  r.book.refused(r.node(), 'default', PAUSED);
  t.match(await r.written(), { kind: 'slots_full' }, 'the write failed: the Node still shows the old reason');
  t.match(r.warnings.join(''), /recording a waiting node failed/, 'and the failure is logged');
  r.failPatches(false);
  r.clock.advance(60_000);
  r.book.refused(r.node(), 'default', PAUSED);
  t.match(await r.written(), { since, kind: 'blocked', reason: PAUSED.value, asks: 3 }, 'the next refusal writes it, the wait still counted from its start');
});
