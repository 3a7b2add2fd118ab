// What both benches do to the server under test: wait for /readyz, send one FleetLock request, keep a scenario's best round.
import { request } from 'undici';
import { zincatiId } from '../src/identity/app-specific-id.js';
import type { Child } from './processes.js';
import type { LoadOptions, LoadResult } from './load.js';
import type { ScenarioResult } from './report.js';

export const HEADERS = { 'fleet-lock-protocol': 'true' };

/** Zincati's body for a machine: pretty-printed, as Zincati sends it. */
export function bodyFor(machineId: string): string {
  return JSON.stringify({ client_params: { group: 'default', id: zincatiId(machineId) } }, null, 2);
}

export async function waitReady(url: string, child: Child): Promise<void> {
  for (;;) {
    if (child.process.exitCode !== null) throw new Error('the server exited before it was ready');
    try {
      const res = await request(new URL('readyz', url));
      await res.body.dump();
      if (res.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20)); // polling readiness is the measurement here
  }
}

export async function post(url: string, path: string, body: string): Promise<{ status: number; text: string }> {
  const res = await request(new URL(path, url), { method: 'POST', headers: HEADERS, body });
  return { status: res.statusCode, text: await res.body.text() };
}

/** The faster of two runs of one scenario; Kubernetes calls are added up over both. */
export function best(a: ScenarioResult | undefined, b: ScenarioResult): ScenarioResult {
  if (!a) return b;
  const faster = b.load.perSecond > a.load.perSecond ? b : a;
  const cpu = a.cpuUsPerRequest === undefined || b.cpuUsPerRequest === undefined ? {} : { cpuUsPerRequest: Math.min(a.cpuUsPerRequest, b.cpuUsPerRequest) };
  if (a.kubeCalls === undefined || b.kubeCalls === undefined) return { ...faster, ...cpu };
  const kubeCalls: Record<string, number> = { ...a.kubeCalls };
  for (const [verb, n] of Object.entries(b.kubeCalls)) kubeCalls[verb] = (kubeCalls[verb] ?? 0) + n;
  return {
    ...faster,
    ...cpu,
    kubeCalls,
    kubeCallsPerRequest: Math.max(a.kubeCallsPerRequest ?? 0, b.kubeCallsPerRequest ?? 0),
    kubeReadsPerRequest: Math.max(a.kubeReadsPerRequest ?? 0, b.kubeReadsPerRequest ?? 0),
  };
}

export interface Rounds {
  readonly rounds: number;
  /** One measured run of a FleetLock scenario (with its Kubernetes calls counted). */
  measured(name: string, expected: string, opts: LoadOptions): Promise<ScenarioResult>;
  load(origin: string, path: string): LoadOptions;
  /** The load generator, for the bare route (which has no Kubernetes calls to count). */
  run(opts: LoadOptions): Promise<LoadResult>;
  /** CPU seconds the bare route's process has used so far, when known. */
  bareCpuSeconds?(): Promise<number>;
  say(text: string): void;
}

export interface RoundsResult {
  readonly steady: ScenarioResult;
  readonly refused: ScenarioResult;
  readonly ceiling: ScenarioResult;
}

export const REFUSED = 'pre-reboot, slot held by another node';
export const SLOTS_FULL = '423 slots_full';

/** A refused scenario that got no `slots_full` measured something else (a misconfigured bench): stop. */
export function refusedAsExpected(result: ScenarioResult): ScenarioResult {
  if (!result.load.answers[SLOTS_FULL]) throw new Error(`${result.name}: expected ${SLOTS_FULL} refusals, got ${JSON.stringify(result.load.answers)}: ${JSON.stringify(result.load.sample)}`);
  return result;
}

/**
 * The server and the bare route share the cores with whatever else runs, so one run is noisy: interleave
 * the scenarios over rounds and keep each one's best round (Kubernetes calls: all rounds).
 */
export async function interleavedRounds(r: Rounds, serverUrl: string, bareUrl: string): Promise<RoundsResult> {
  let steady: ScenarioResult | undefined;
  let refused: ScenarioResult | undefined;
  let ceiling: ScenarioResult | undefined;
  for (let round = 1; round <= r.rounds; round++) {
    const of = `(round ${round}/${r.rounds})`;
    steady = best(steady, await r.measured(`steady-state, non-holder ${of}`, '200', r.load(serverUrl, '/v1/steady-state')));
    refused = best(refused, refusedAsExpected(await r.measured(`${REFUSED} ${of}`, SLOTS_FULL, r.load(serverUrl, '/v1/pre-reboot'))));
    r.say(`scenario: bare Fastify route ${of}`);
    const cpuBefore = await r.bareCpuSeconds?.();
    const load = await r.run(r.load(bareUrl, '/v1/steady-state'));
    const cpuAfter = await r.bareCpuSeconds?.();
    const cpu = cpuBefore === undefined || cpuAfter === undefined ? {} : { cpuUsPerRequest: ((cpuAfter - cpuBefore) * 1e6) / load.sent };
    ceiling = best(ceiling, { name: 'bare Fastify POST route (ceiling)', expected: '200', load, ...cpu });
  }
  if (!steady || !refused || !ceiling) throw new Error('no rounds ran');
  return { steady: { ...steady, name: 'steady-state, non-holder' }, refused: { ...refused, name: REFUSED }, ceiling };
}
