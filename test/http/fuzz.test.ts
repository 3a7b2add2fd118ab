// 10,000+ generated hostile requests against the real server on the simulated cluster.
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { pino } from 'pino';
import t from 'tap';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { emptyReport, exchange, runAll, connections, slowClients } from '../support/fuzz/runner.js';
import { Rng, fuzzSeed } from '../support/fuzz/rng.js';

const REQUESTS = 10_000;
const CONCURRENCY = 16;
// Retained heap after the run, once collected: a per-request leak of 1 KiB would show as 10 MB.
const HEAP_GROWTH_LIMIT = 24 * 1024 * 1024;

// `--expose-gc` set at run time: the collector is reachable from a fresh context.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

/** What a FleetLock request could change on a Node: its lock annotations, its cordon, its version. */
function nodeStates(cluster: TestCluster): Map<string, string> {
  return new Map(
    cluster.sim.store.listNodes().map((n) => [n.metadata.name ?? '', JSON.stringify([n.metadata.resourceVersion, n.metadata.annotations ?? {}, n.spec?.unschedulable ?? false, n.spec?.taints ?? []])]),
  );
}

void t.test('hostile requests: every answer in the contract, no crash, bounded memory, no Node changed', async (t) => {
  const seed = fuzzSeed();
  t.comment(`fuzz seed ${seed} (replay with FUZZ_SEED=${seed})`);
  let errorLines = 0;
  const logger = pino({ level: 'warn' }, { write: (line: string) => void ((JSON.parse(line) as { level: number }).level >= 50 && errorLines++) });
  const cluster = await startCluster(t, { nodes: 3, logger });
  const server = await cluster.leader();
  const port = Number(new URL(server.url).port);
  const forbidden = cluster.nodeNames.flatMap((n) => [cluster.zincatiIdOf(n), cluster.machineIdOf(n), cluster.machineIdOf(n).replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-')]);
  const before = nodeStates(cluster);
  const rng = new Rng(seed);

  // Warm-up: the server's lazily built parts are not a leak.
  await runAll(port, connections(new Rng(seed ^ 0x5eed), 300, forbidden), CONCURRENCY, emptyReport());
  const heapBefore = heapAfterGc();

  const report = emptyReport();
  const slow = slowClients(rng, 4);
  const slowRuns = Promise.all(slow.map((s) => exchange(port, s.connection, report, s.gapMs)));
  await runAll(port, connections(rng, REQUESTS, forbidden), CONCURRENCY, report);
  const slowResults = await slowRuns;
  const heapGrowth = heapAfterGc() - heapBefore;

  t.comment(`${report.requests} requests on ${report.connections} connections, ${report.answers} answers`);
  t.comment(`statuses ${JSON.stringify(Object.fromEntries(report.byStatus))}`);
  t.comment(`kinds ${JSON.stringify(Object.fromEntries(report.byKind))}`);
  t.comment(`unanswered ${JSON.stringify(Object.fromEntries(report.unanswered))}`);
  t.comment(`retained heap growth ${(heapGrowth / 1024 / 1024).toFixed(1)} MiB`);

  t.ok(report.requests >= REQUESTS, `at least ${REQUESTS} requests`);
  t.equal(report.breachCount, 0, `every answer in the contract (seed ${seed})`, { breaches: report.breaches });
  t.notOk([...report.byStatus.keys()].some((s) => s >= 500 && s !== 503), 'no 5xx but 503 (not_leader/unavailable)');
  t.same(Object.fromEntries(report.unanswered), {}, 'every request answered before its connection closed');
  t.equal(errorLines, 0, 'nothing logged as an error');
  t.ok(heapGrowth < HEAP_GROWTH_LIMIT, `retained heap grew ${heapGrowth} bytes, under ${HEAP_GROWTH_LIMIT}`);

  slow.forEach((s, i) => {
    const result = slowResults[i];
    if (!s.cut || !result) return;
    t.ok(result.closedByServer, `${s.connection.label} ${i}: cut off by the server`);
    t.ok(result.answers.every((a) => a.status === 408), `${s.connection.label} ${i}: told 408 if anything`);
  });

  t.same(nodeStates(cluster), before, 'no Node changed');
  // The server is alive and still serves FleetLock; this one legitimate claim does change its Node.
  const node = cluster.nodeNames[0] ?? '';
  const answer = await cluster.preReboot(node);
  // Granted, or still draining when the drain outlasts the quick wait on a busy machine: claimed either way.
  t.ok(answer.ok || answer.kind === 'draining', 'a real pre-reboot is served after the run', { answer });
  t.same(cluster.holders(), [node], 'it holds the slot');
  t.not(nodeStates(cluster).get(node), before.get(node), 'and its Node changed: the comparison above can see a change');
});
