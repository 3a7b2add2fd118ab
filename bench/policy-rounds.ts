// The policy comparison's runs: the refused pre-reboot against the server without a RebootPolicy and the one with it,
// back to back, once both have recorded every waiting node and gone quiet.
import type { LoadOptions } from './load.js';
import type { PolicyComparison } from './policy-report.js';
import { best, refusedAsExpected, REFUSED, SLOTS_FULL } from './serving.js';
import type { ScenarioResult } from './report.js';

/** One of the two servers, as the comparison drives it. */
export interface ComparedServer {
  readonly serverUrl: string;
  /** A Zincati body for every node but the holder, in turn. */
  readonly bodies: readonly string[];
  measured(name: string, expected: string, opts: LoadOptions): Promise<ScenarioResult>;
  /** Resolves once the server has stopped writing Nodes (its waiting records are all written). */
  quiet(): Promise<void>;
}

export interface PolicyRounds {
  readonly rounds: number;
  readonly without: ComparedServer;
  readonly with: ComparedServer;
  /** The load of one run: every refused node's pre-reboot in turn. */
  load(server: ComparedServer): LoadOptions;
  /** Unmeasured load, to bring a server to its steady state. */
  warm(opts: LoadOptions): Promise<unknown>;
  say(text: string): void;
}

const WITH_POLICY = `${REFUSED}, RebootPolicy in force`;

/**
 * A first refusal makes the leader record the node as waiting (one Node write each, 5,000 here, off the request
 * path); later ones within REWRITE_MS write nothing. Both servers get one unmeasured run and are left to finish
 * those writes, so neither's runs, nor the other's, carry the other side's backlog. Then each round runs
 * without, with, with, without (the reverse in even rounds): each pair of runs saw the machine's other load alike.
 */
export async function policyRounds(r: PolicyRounds): Promise<Pick<PolicyComparison, 'without' | 'with' | 'runs'>> {
  for (const server of [r.without, r.with]) {
    r.say(`warming ${server === r.with ? 'the server with the policy' : 'the server without one'}: every node refused once, then its waiting records written`);
    await r.warm(r.load(server));
    await server.quiet();
  }
  const runs = { without: [] as ScenarioResult[], with: [] as ScenarioResult[] };
  let without: ScenarioResult | undefined;
  let withPolicy: ScenarioResult | undefined;
  for (let round = 1; round <= r.rounds; round++) {
    const of = `(round ${round}/${r.rounds})`;
    const plain = async (): Promise<void> => {
      const run = refusedAsExpected(await r.without.measured(`${REFUSED} ${of}`, SLOTS_FULL, r.load(r.without)));
      runs.without.push(run);
      without = best(without, run);
    };
    const governed = async (): Promise<void> => {
      const run = refusedAsExpected(await r.with.measured(`${WITH_POLICY} ${of}`, SLOTS_FULL, r.load(r.with)));
      runs.with.push(run);
      withPolicy = best(withPolicy, run);
    };
    const order = round % 2 === 1 ? [plain, governed, governed, plain] : [governed, plain, plain, governed];
    for (const scenario of order) await scenario();
  }
  if (!without || !withPolicy) throw new Error('no policy rounds ran');
  return { without: { ...without, name: REFUSED }, with: { ...withPolicy, name: WITH_POLICY }, runs };
}
