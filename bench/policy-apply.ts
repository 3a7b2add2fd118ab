// Puts the bench's RebootPolicy in force as an operator would (create it through the API), and waits until the
// server under test has accepted it and answers a refused node with `slots_full` under it.
import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { parse } from 'yaml';
import { pollUntil } from '../kit/poll.js';
import { answerOf } from './load.js';
import type { BenchPolicySpec } from './policy.js';

const PATH = '/apis/rebootmanager.io/v1alpha1/rebootpolicies';
const EXPECTED = '423 slots_full';

export interface ApplyPolicy {
  /** A cluster admin's kubeconfig (the simulator's `--admin-kubeconfig`). */
  readonly adminKubeconfig: string;
  readonly spec: BenchPolicySpec;
  /** One pre-reboot of a node that holds no slot, as the load sends it. */
  readonly probe: () => Promise<{ status: number; text: string }>;
}

interface PolicyObject {
  readonly metadata?: { readonly generation?: number };
  readonly status?: { readonly observedGeneration?: number; readonly conditions?: readonly { type: string; status: string; message?: string }[] };
}

/**
 * Creates RebootPolicy `default`; resolves once its Accepted condition is True for this generation and a refused
 * node is told `slots_full`. The pod blocker lists and the alert blocker asks once before they let a claim through
 * (until then a refusal is `blocked`); any other answer after that (a closed window, a full pool) would measure
 * something else: it throws.
 */
export async function applyPolicy(a: ApplyPolicy): Promise<void> {
  const config = parse(await readFile(a.adminKubeconfig, 'utf8')) as { clusters?: { cluster?: { server?: string } }[]; users?: { user?: { token?: string } }[] };
  const server = config.clusters?.[0]?.cluster?.server;
  const token = config.users?.[0]?.user?.token;
  if (!server || !token) throw new Error(`${a.adminKubeconfig}: no server or token`);
  const call = async (method: 'GET' | 'POST', path: string, expected: number, body?: string): Promise<unknown> => {
    const res = await request(`${server}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body } : {}),
    });
    const text = await res.body.text();
    if (res.statusCode !== expected) throw new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`);
    return JSON.parse(text) as unknown;
  };

  await call('POST', PATH, 201, JSON.stringify({ apiVersion: 'rebootmanager.io/v1alpha1', kind: 'RebootPolicy', metadata: { name: 'default' }, spec: a.spec }));
  const verdict = await pollUntil('the server to judge the RebootPolicy', async () => {
    const o = (await call('GET', `${PATH}/default`, 200)) as PolicyObject;
    const accepted = o.status?.conditions?.find((c) => c.type === 'Accepted');
    return o.status?.observedGeneration === o.metadata?.generation ? accepted : undefined;
  }, { timeoutMs: 60_000, intervalMs: 20 });
  if (verdict.status !== 'True') throw new Error(`the server rejected the bench's RebootPolicy: ${verdict.message ?? ''}`);

  let last = '';
  try {
    await pollUntil(`a refused pre-reboot to be ${EXPECTED} under the policy`, async () => {
      const { status, text } = await a.probe();
      last = `${status} ${text}`;
      return answerOf(status, text) === EXPECTED;
    }, { timeoutMs: 30_000, intervalMs: 20 });
  } catch (err) {
    throw new Error(`${(err as Error).message}; last answer: ${last}`);
  }
}
