// Puts the bench's RebootPolicy in force and takes it away again, as an operator would (create, delete), and
// waits until the server under test acts on it: the policy scenario alternates with the no-policy one.
import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { parse } from 'yaml';
import { pollUntil } from '../kit/poll.js';
import { answerOf } from './load.js';
import type { BenchPolicySpec } from './policy.js';
import type { ServerLog } from './server-log.js';

const PATH = '/apis/rebootmanager.io/v1alpha1/rebootpolicies';
const NAME = 'default';
/** The server's line when the object goes (src/policy/policy-source.ts): nothing in the API says it has acted. */
const DELETED_LINE = 'RebootPolicy default deleted: the flags are the policy';
const EXPECTED = '423 slots_full';

export interface PolicySwitchDeps {
  /** A cluster admin's kubeconfig (the simulator's `--admin-kubeconfig`). */
  readonly adminKubeconfig: string;
  readonly spec: BenchPolicySpec;
  readonly serverLog: ServerLog;
  /** One pre-reboot of a node that holds no slot, as the load sends it. */
  readonly probe: () => Promise<{ status: number; text: string }>;
}

interface Cluster {
  readonly server: string;
  readonly token: string;
}

interface PolicyObject {
  readonly metadata?: { readonly generation?: number };
  readonly status?: { readonly observedGeneration?: number; readonly conditions?: readonly { type: string; status: string; message?: string }[] };
}

export class PolicySwitch {
  private constructor(
    private readonly cluster: Cluster,
    private readonly deps: PolicySwitchDeps,
  ) {}

  static async create(deps: PolicySwitchDeps): Promise<PolicySwitch> {
    const config = parse(await readFile(deps.adminKubeconfig, 'utf8')) as { clusters?: { cluster?: { server?: string } }[]; users?: { user?: { token?: string } }[] };
    const server = config.clusters?.[0]?.cluster?.server;
    const token = config.users?.[0]?.user?.token;
    if (!server || !token) throw new Error(`${deps.adminKubeconfig}: no server or token`);
    return new PolicySwitch({ server, token }, deps);
  }

  /** Creates RebootPolicy `default`; resolves once the server accepted it and a refused node is told `slots_full` under it. */
  async apply(): Promise<void> {
    const body = { apiVersion: 'rebootmanager.io/v1alpha1', kind: 'RebootPolicy', metadata: { name: NAME }, spec: this.deps.spec };
    await this.call('POST', PATH, 201, JSON.stringify(body));
    const verdict = await pollUntil('the server to judge the RebootPolicy', async () => {
      const o = (await this.call('GET', `${PATH}/${NAME}`, 200)) as PolicyObject;
      const accepted = o.status?.conditions?.find((c) => c.type === 'Accepted');
      return o.status?.observedGeneration === o.metadata?.generation ? accepted : undefined;
    }, { timeoutMs: 60_000, intervalMs: 20 });
    if (verdict.status !== 'True') throw new Error(`the server rejected the bench's RebootPolicy: ${verdict.message ?? ''}`);
    await this.refusedAsBefore('under the policy');
  }

  /** Deletes it; resolves once the server is back on its flags. */
  async remove(): Promise<void> {
    const mark = await this.deps.serverLog.size();
    await this.call('DELETE', `${PATH}/${NAME}`, 200);
    await pollUntil('the server to drop the RebootPolicy', async () => (await this.deps.serverLog.messagesSince(mark)).includes(DELETED_LINE), { timeoutMs: 60_000, intervalMs: 20 });
    await this.refusedAsBefore('without the policy');
  }

  /**
   * The pod blocker lists and the alert blocker asks once before they let a claim through: until then a refusal is
   * `blocked`. Any other answer after that (a closed window, a full pool) would measure something else: stop.
   */
  private async refusedAsBefore(when: string): Promise<void> {
    let last = '';
    try {
      await pollUntil(`a refused pre-reboot to be ${EXPECTED} ${when}`, async () => {
        const { status, text } = await this.deps.probe();
        last = `${status} ${text}`;
        return answerOf(status, text) === EXPECTED;
      }, { timeoutMs: 30_000, intervalMs: 20 });
    } catch (err) {
      throw new Error(`${(err as Error).message}; last answer: ${last}`);
    }
  }

  private async call(method: 'GET' | 'POST' | 'DELETE', path: string, expected: number, body?: string): Promise<unknown> {
    const res = await request(`${this.cluster.server}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.cluster.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body } : {}),
    });
    const text = await res.body.text();
    if (res.statusCode !== expected) throw new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`);
    return JSON.parse(text) as unknown;
  }
}
