// `reboot-manager pause` and `resume`, run as an operator would, against the simulated API server.
import t, { type Test } from 'tap';
import { startKubeSim, type KubeSim } from '../../src/sim/kube/index.js';
import { SERVICE_ACCOUNT, startCluster } from '../support/cluster.js';
import { parsePauseConfig, parseResumeConfig } from '../../src/config/operator.js';
import { cli } from '../support/cli.js';
import { applyPolicy, policyJudged } from '../support/policy.js';

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function sim(t: Test): Promise<{ sim: KubeSim; admin: string }> {
  const sim = await startKubeSim();
  t.teardown(() => sim.close());
  const admin = `${t.testdir()}/admin`;
  await sim.writeKubeconfig(admin, 'admin');
  return { sim, admin };
}

const specOf = (sim: KubeSim) => (sim.store.get('rebootpolicies', undefined, 'default') as { spec?: { pause?: { reason: string; by: string; since: string } } } | undefined)?.spec;

void t.test('pause creates the policy holding only the pause; pausing again replaces it; resume lifts it, then says there is nothing to lift', async (t) => {
  const { sim: s, admin } = await sim(t);
  const paused = await cli(admin, 'pause', '--reason', 'kernel regression under investigation');
  t.equal(paused.code, 0, paused.stderr);
  const since = specOf(s)?.pause?.since ?? '';
  t.match(since, RFC3339);
  t.same(specOf(s), { pause: { reason: 'kernel regression under investigation', by: 'admin', since } }, 'only spec.pause; by: the kubeconfig user');
  t.equal(
    paused.stdout,
    [
      "created RebootPolicy default holding only spec.pause: the budgets stay the server's flags",
      `new reboots are paused by admin since ${since}: kernel regression under investigation`,
      'claims are refused with this until `reboot-manager resume`; nodes holding a slot finish; urgent groups go on',
      '',
    ].join('\n'),
  );

  const again = await cli(admin, 'pause', '--reason', 'firmware rollout', '--by', 'bob');
  t.equal(again.code, 0, again.stderr);
  t.match(again.stdout, `replaced the pause by admin since ${since}: kernel regression under investigation\nnew reboots are paused by bob since `);
  t.match(specOf(s)?.pause, { reason: 'firmware rollout', by: 'bob' });

  const resumed = await cli(admin, 'resume');
  t.equal(resumed.code, 0, resumed.stderr);
  t.match(resumed.stdout, /^resumed: new reboots may start \(lifted the pause by bob since \S+: firmware rollout\)\n$/);
  t.same(specOf(s), {}, 'spec.pause removed');
  const nothing = await cli(admin, 'resume');
  t.same({ code: nothing.code, stdout: nothing.stdout }, { code: 0, stdout: 'new reboots were not paused; nothing changed\n' });
});

void t.test('bad input and missing access: a clear error, and nothing written', async (t) => {
  const { sim: s, admin } = await sim(t);
  const noObject = await cli(admin, 'resume');
  t.same({ code: noObject.code, stdout: noObject.stdout }, { code: 0, stdout: 'new reboots were not paused; nothing changed\n' }, 'resume with no policy at all');
  const noReason = await cli(admin, 'pause');
  t.same({ code: noReason.code, stderr: noReason.stderr }, { code: 2, stderr: 'reboot-manager: pause needs --reason TEXT: say why new reboots stop (it is shown to everyone they stop for)\n' });

  // The rest of the usage errors through the parser the command runs (each spawn costs seconds on a busy machine).
  const usage: [string[], RegExp][] = [
    [['--reason', ''], /^invalid --reason "": must not be empty$/],
    [['--reason', 'x'.repeat(1025)], /^--reason must be at most 1024 characters, got 1025$/],
    [['--reason', 'two\nlines'], /^--reason must be one line without control characters$/],
    [['--reason', 'ok', '--by', 'b'.repeat(257)], /^--by must be at most 256 characters, got 257$/],
  ];
  for (const [args, message] of usage) t.throws(() => parsePauseConfig(args, {}), { name: 'ConfigError', message }, args.join(' ').slice(0, 40));
  t.equal(parsePauseConfig(['--reason', 'é'.repeat(1024), '--by', '😀'.repeat(256)], {}).reason.length, 1024, 'exactly the limits, counted in characters as the API server counts');
  t.throws(() => parseResumeConfig(['now'], {}), { name: 'ConfigError', message: 'unexpected argument "now" (see --help)' });

  const server = `${t.testdirName}/server`;
  await s.writeKubeconfig(server, SERVICE_ACCOUNT);
  const forbidden = await cli(server, 'pause', '--reason', 'maintenance');
  t.equal(forbidden.code, 1);
  t.match(forbidden.stderr, /^reboot-manager: reading RebootPolicy default: 403 Forbidden .*cannot get resource "rebootpolicies"/);
  t.equal(s.store.get('rebootpolicies', undefined, 'default'), undefined, 'nothing was written');
});

void t.test('a policy the server rejects: pause and resume still apply, exit 0, and say the rest of the spec stays rejected', async (t) => {
  const c = await startCluster(t, { nodes: 1 });
  t.equal((await applyPolicy(c.sim, { maxUnavailable: '150%' })).accepted, false);
  const admin = `${t.testdirName}/admin`;
  await c.sim.writeKubeconfig(admin, 'admin');
  const r = await cli(admin, 'pause', '--reason', 'maintenance');
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /\nnote: the rest of RebootPolicy default stays rejected \(the server's verdict on the last edit: generation 1 rejected, the flags stay in force: spec\.maxUnavailable: .*\); the pause applies all the same\n$/);
  t.match(specOf(c.sim), { maxUnavailable: '150%', pause: { reason: 'maintenance' } });
  t.match(await policyJudged(c.sim), { accepted: false, message: /; its spec\.pause applies: new reboots are paused$/ });
  t.match(await c.preReboot('node-01'), { status: 423, kind: 'blocked', value: /^pause: new reboots are paused by admin since .*: maintenance$/ }, 'the pause is in force');

  const resumed = await cli(admin, 'resume');
  t.equal(resumed.code, 0, resumed.stderr);
  t.match(resumed.stdout, /^resumed: new reboots may start \(lifted the pause .*\)\nnote: the rest of RebootPolicy default stays rejected .*; lifting the pause applies all the same\n$/);
  t.match(await policyJudged(c.sim), { accepted: false, message: /new reboots are not paused$/ });
  t.same(await c.preReboot('node-01'), { ok: true, status: 200 }, 'resumed under the flags');
});
