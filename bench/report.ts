// The bench's figures as a Markdown table, and the floors they must clear.
import type { LoadResult } from './load.js';
import type { Memory } from './processes.js';

export interface ScenarioResult {
  readonly name: string;
  /** The answer every request should get, e.g. `200` or `423 slots_full`. */
  readonly expected: string;
  readonly load: LoadResult;
  /** Kubernetes API requests during the scenario, per request sent; undefined for the bare route. */
  readonly kubeCallsPerRequest?: number;
  /** Of those, reads of Nodes/Pods (get/list), per request sent. */
  readonly kubeReadsPerRequest?: number;
  /** Kubernetes API calls made during the scenario, by "verb resource". */
  readonly kubeCalls?: Record<string, number>;
  /** CPU time of the answering process per request sent, in microseconds, when measured. */
  readonly cpuUsPerRequest?: number;
}

export interface BenchFigures {
  readonly nodes: number;
  readonly concurrency: number;
  readonly scenarios: readonly ScenarioResult[];
  readonly ceiling: ScenarioResult;
  readonly memory: Memory;
  /** Right after `/readyz` first answered 200: the node cache alone. */
  readonly memoryAtReady: Memory;
  readonly readyMs: number;
  /** What ran, when not the simulator (e.g. the real control plane's version and set-up). */
  readonly clusterLine?: string;
  /** The server's and the load generator's settings, one line each. */
  readonly configuration?: readonly string[];
  /** Lines the server logged during the load, when the bench kept its log. */
  readonly logLines?: number;
}

export interface Floor {
  readonly name: string;
  readonly pass: boolean;
  readonly detail: string;
}

const MEMORY_LIMIT_MIB = 200;
// A refusal logs only when its answer is new for its node, so refusing costs about what answering 200 does:
// by CPU per request where the bench measures it (sharing the cores moves it little), else by throughput.
const REFUSED_CPU_OVER_STEADY = 1.5;
const REFUSED_SHARE_OF_STEADY = 0.6;
// Summaries and the odd changed answer on top of one line per node.
const LOG_LINES_SLACK = 100;

export function checkFloors(f: BenchFigures): Floor[] {
  const reads = Math.max(...f.scenarios.map((s) => s.kubeReadsPerRequest ?? 0));
  const slowest = Math.min(...f.scenarios.map((s) => s.load.perSecond));
  const wrongAnswers = f.scenarios.concat(f.ceiling).filter((s) => !answeredAsExpected(s));
  const refused = f.scenarios.find((s) => s.expected.startsWith('423'));
  const steady = f.scenarios.find((s) => s.expected === '200');
  const logFloors: Floor[] = [];
  if (refused?.cpuUsPerRequest !== undefined && steady?.cpuUsPerRequest !== undefined) {
    const ratio = refused.cpuUsPerRequest / steady.cpuUsPerRequest;
    logFloors.push({
      name: `a refused pre-reboot at most ${REFUSED_CPU_OVER_STEADY}x steady-state's CPU per request`,
      pass: ratio <= REFUSED_CPU_OVER_STEADY,
      detail: `${refused.cpuUsPerRequest.toFixed(1)} vs ${steady.cpuUsPerRequest.toFixed(1)} µs (${ratio.toFixed(2)}x)`,
    });
  } else if (refused && steady) {
    const share = refused.load.perSecond / steady.load.perSecond;
    logFloors.push({
      name: `a refused pre-reboot at least ${100 * REFUSED_SHARE_OF_STEADY} % of steady-state's throughput`,
      pass: share >= REFUSED_SHARE_OF_STEADY,
      detail: `${refused.load.perSecond.toFixed(0)} vs ${steady.load.perSecond.toFixed(0)} req/s (${(100 * share).toFixed(0)} %)`,
    });
  }
  if (f.logLines !== undefined) {
    const limit = f.nodes + LOG_LINES_SLACK;
    logFloors.push({ name: `server log during the load: at most one line per node (+${LOG_LINES_SLACK})`, pass: f.logLines <= limit, detail: `${f.logLines} lines, limit ${limit}` });
  }
  return [
    ...logFloors,
    { name: 'zero Kubernetes reads per FleetLock request', pass: reads === 0, detail: `${reads.toFixed(4)} reads/request at most` },
    {
      name: 'at least half the bare route\'s throughput',
      pass: slowest >= f.ceiling.load.perSecond / 2,
      detail: `slowest ${slowest.toFixed(0)} req/s vs bare ${f.ceiling.load.perSecond.toFixed(0)} req/s (${((100 * slowest) / f.ceiling.load.perSecond).toFixed(0)} %)`,
    },
    { name: `under ${MEMORY_LIMIT_MIB} MB resident`, pass: f.memory.rssMiB < MEMORY_LIMIT_MIB, detail: `${f.memory.rssMiB.toFixed(0)} MiB after load (peak ${f.memory.peakMiB.toFixed(0)} MiB)` },
    { name: 'every request got the expected answer', pass: wrongAnswers.length === 0, detail: wrongAnswers.length === 0 ? 'yes' : wrongAnswers.map((s) => `${s.name}: ${answersText(s.load)}`).join('; ') },
  ];
}

/** Every request got the status and, for a refusal, the kind the scenario expects. */
export function answeredAsExpected(s: ScenarioResult): boolean {
  return (s.load.answers[s.expected] ?? 0) === s.load.requests;
}

/** `29,312x 423 slots_full, 3x 423 blocked` */
export function answersText(load: LoadResult): string {
  return Object.entries(load.answers)
    .sort((a, b) => b[1] - a[1])
    .map(([answer, count]) => `${count.toLocaleString('en')}x ${answer}`)
    .join(', ');
}

function callsText(calls: Record<string, number> | undefined): string {
  const entries = Object.entries(calls ?? {});
  return entries.length === 0 ? 'none' : entries.map(([key, count]) => `${key} x${count}`).join(', ');
}

export const ms = (v: number): string => (v < 10 ? v.toFixed(2) : v.toFixed(1));
const perReq = (v: number | undefined): string => (v === undefined ? 'n/a' : v === 0 ? '0' : v.toFixed(4));

export function markdown(f: BenchFigures, floors: readonly Floor[]): string {
  const rows = [...f.scenarios, f.ceiling].map((s) =>
    `| ${s.name} | ${s.expected} | ${s.load.requests} | ${s.load.perSecond.toFixed(0)} | ${ms(s.load.p50Ms)} | ${ms(s.load.p99Ms)} | ${s.cpuUsPerRequest === undefined ? 'n/a' : s.cpuUsPerRequest.toFixed(1)} | ${perReq(s.kubeCallsPerRequest)} | ${perReq(s.kubeReadsPerRequest)} |`,
  );
  return [
    f.clusterLine ?? `Cluster: ${f.nodes} simulated Nodes (~40 KB each); ${f.concurrency} concurrent clients; Node ${process.version}.`,
    ...(f.configuration ?? []).flatMap((line) => ['', line]),
    '',
    '| Scenario | Answer | Requests | Req/s | p50 ms | p99 ms | CPU µs / req | K8s API calls / req | K8s reads / req |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    ...f.scenarios.map((s) => `Kubernetes API calls during "${s.name}" (${s.load.requests} measured + warm-up requests): ${callsText(s.kubeCalls)}.`),
    'Reads count get/list of anything but the leader\'s Lease, whose renewals run on a timer whatever the load.',
    '',
    '| Server process | Value |',
    '|---|---:|',
    `| Resident memory when ready (VmRSS) | ${f.memoryAtReady.rssMiB.toFixed(0)} MiB |`,
    `| Resident memory after load (VmRSS) | ${f.memory.rssMiB.toFixed(0)} MiB |`,
    `| Peak resident memory (VmHWM) | ${f.memory.peakMiB.toFixed(0)} MiB |`,
    `| Start to ready (\`/readyz\` 200) | ${(f.readyMs / 1000).toFixed(2)} s |`,
    '',
    ...floorsTable(floors),
    '',
  ].join('\n');
}

/** The floors as Markdown table lines. */
export function floorsTable(floors: readonly Floor[]): string[] {
  return ['| Floor | Result | Measured |', '|---|---|---|', ...floors.map((fl) => `| ${fl.name} | ${fl.pass ? 'PASS' : 'FAIL'} | ${fl.detail} |`)];
}
