// Which load generator the serving scenarios use, with what settings, and the line that says so in the output.
import { HEADERS } from './serving.js';
import { runLoad, type LoadOptions, type LoadResult } from './load.js';
import { runWrk, WRK_INSTALL_HINT, wrkVersion } from './wrk.js';

export interface LoadGenerator {
  run(opts: LoadOptions): Promise<LoadResult>;
  /** The options of one scenario: every body in turn, to `path` on `origin`. */
  options(origin: string, path: string, bodies: readonly string[]): LoadOptions;
  /** What ran, for the printed configuration. */
  readonly description: string;
  /** Printed above the tables when the figures are not comparable with wrk's. */
  readonly warning?: string;
}

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

const CONCURRENCY = env('BENCH_CONNECTIONS', 100);
// One wrk thread leaves the other core to the server; wrk's one thread outruns a bare Fastify route.
const THREADS = env('BENCH_WRK_THREADS', 1);
const SECONDS = env('BENCH_SECONDS', 5);
const WARMUP_SECONDS = env('BENCH_WARMUP_SECONDS', 1);
const REQUESTS = env('BENCH_REQUESTS', 30_000);
const WARMUP_REQUESTS = 3_000;

export class LoadGeneratorMissing extends Error {
  readonly code = 'WRK_MISSING';
  constructor() {
    super(`wrk is not on the PATH: ${WRK_INSTALL_HINT}`);
  }
}

/** wrk; the Node.js generator only when BENCH_LOAD=node asks for it (it saturates before the server and hides the gap). */
export async function chooseLoadGenerator(): Promise<LoadGenerator> {
  const options = (origin: string, path: string, bodies: readonly string[]): LoadOptions => ({
    origin, path, headers: HEADERS, bodies, concurrency: CONCURRENCY, threads: THREADS, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, warmupRequests: WARMUP_REQUESTS, requests: REQUESTS,
  });
  if (process.env.BENCH_LOAD === 'node') {
    return {
      run: runLoad,
      options,
      description: `Node.js load generator (undici, BENCH_LOAD=node): ${CONCURRENCY} connections, ${REQUESTS} requests per run after ${WARMUP_REQUESTS} warm-up requests`,
      warning: '**WARNING: measured with the Node.js load generator (BENCH_LOAD=node), which saturates before the server does and hides the gap to the bare route; the floors are not meaningful. Install wrk.**',
    };
  }
  const version = await wrkVersion();
  if (version === undefined) throw new LoadGeneratorMissing();
  return {
    run: runWrk,
    options,
    description: `${version}: ${THREADS} thread(s), ${CONCURRENCY} connections, ${SECONDS} s per run after a ${WARMUP_SECONDS} s warm-up run`,
  };
}
