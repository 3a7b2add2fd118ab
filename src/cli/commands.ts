import {
  doneOptions,
  explainOptions,
  maintainOptions,
  operatorOptions,
  parseDoneConfig,
  parseExplainConfig,
  parseMaintainConfig,
  parseOperatorConfig,
  parsePauseConfig,
  parseResumeConfig,
  parseStatusConfig,
  pauseOptions,
  resumeOptions,
  statusOptions,
} from '../config/operator.js';
import { ConfigError, helpText } from '../config/options.js';
import { parseServeConfig, serveOptions } from '../config/serve.js';
import { TlsFilesError } from '../http/tls-files.js';
import { demoOptions } from '../sim/demo/options.js';
import { imdsAgentOptions, parseImdsAgentConfig } from '../agent/config.js';
import { CommandFailure } from './failure.js';
import { untilSignal } from './until-signal.js';

export interface Command {
  readonly summary: string;
  help(): string;
  /** Resolves with the exit code once the command is done (for servers: after a signal). */
  run(argv: string[], env: NodeJS.ProcessEnv): Promise<number>;
}

export const commands: Record<string, Command> = {
  serve: {
    summary: 'Run the FleetLock server (the Deployment runs this).',
    help: () => helpText('Usage: reboot-manager serve [options]', serveOptions),
    async run(argv, env) {
      const config = parseServeConfig(argv, env);
      const { startServer } = await import('../server.js');
      // Unusable TLS files are a configuration error like any other: exit 2, the message names the file.
      const server = await startServer(config).catch((err: unknown) => {
        throw err instanceof TlsFilesError ? new ConfigError(err.message) : err;
      });
      await untilSignal();
      await server.close();
      return 0;
    },
  },
  status: {
    summary: 'Print every node: lock, who holds it, group, phase, how long, cordon, drain progress; live MaintenanceRequests.',
    help: () => helpText('Usage: reboot-manager status [options]', statusOptions),
    async run(argv, env) {
      const config = parseStatusConfig(argv, env);
      const { formatPolicySummary, formatRequestsTable, formatStatusTable, formatWaitingTable } = await import('./status-table.js');
      let status;
      let summary: string[] = [];
      if (config.server !== undefined) {
        // What the server's caches show: same rows, built by the same code on the server side; and its policy.
        const { fetchStatus } = await import('../status/remote.js');
        const snapshot = await fetchStatus(config.server);
        status = { rows: snapshot.nodes, requests: snapshot.requests ?? [], waiting: snapshot.waiting ?? [], now: Date.parse(snapshot.generatedAt) };
        summary = formatPolicySummary(snapshot.policy);
      } else {
        const { createKubeApi } = await import('../kube/rest-api.js');
        const { clusterStatus } = await import('../status/from-cluster.js');
        const { systemClock: clock } = await import('../clock/clock.js');
        const listed = await clusterStatus(createKubeApi(config.kubeconfig), clock);
        if (listed.requestsUnavailable) process.stderr.write(`reboot-manager: warning: ${listed.requestsUnavailable}: requests are not shown\n`);
        status = { ...listed, now: clock.now() };
      }
      const requests = formatRequestsTable(status.requests, status.now);
      const blocks = [formatStatusTable(status.rows), ...formatWaitingTable(status.waiting, status.now), ...requests, ...(summary.length > 0 ? [summary.join('\n')] : [])];
      process.stdout.write(`${config.output === 'json' ? JSON.stringify(status.rows, null, 2) : blocks.join('\n\n')}\n`);
      return 0;
    },
  },
  history: {
    summary: "Print each reboot's timeline, newest first: waited, drained (and what blocked it), down, held, why it ended; one node's with NODE.",
    help: () => helpText('Usage: reboot-manager history [NODE] [options]\n\nEach Node keeps its last 5 reboots; without NODE, the cluster\'s latest 200.', statusOptions),
    async run(argv, env) {
      const node = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : undefined;
      const config = parseStatusConfig(node === undefined ? argv : argv.slice(1), env);
      const { formatHistoryTable } = await import('./history-table.js');
      let rows;
      let now = Date.now();
      if (config.server !== undefined) {
        const { fetchHistory, RemoteError } = await import('../status/remote.js');
        rows = await fetchHistory(config.server, node).catch((err: unknown) => {
          throw err instanceof RemoteError ? new CommandFailure(err.message, 1) : err;
        });
      } else {
        const { createKubeApi } = await import('../kube/rest-api.js');
        const { NodeCache } = await import('../kube/nodes.js');
        const { historyRows } = await import('../status/history-rows.js');
        const { systemClock: clock } = await import('../clock/clock.js');
        const nodes = await new NodeCache({ api: createKubeApi(config.kubeconfig), clock }).listOnce();
        if (node !== undefined && !nodes.some((n) => n.name === node)) throw new CommandFailure(`no Node named ${node}`, 1);
        rows = historyRows(nodes, node);
        now = clock.now();
      }
      process.stdout.write(`${config.output === 'json' ? JSON.stringify(rows, null, 2) : formatHistoryTable(rows, now)}\n`);
      return 0;
    },
  },
  release: {
    summary: 'Release a node\'s reboot slot by hand (and uncordon it if reboot-manager cordoned it).',
    help: () => helpText('Usage: reboot-manager release NODE [options]', operatorOptions),
    async run(argv, env) {
      const [name, ...rest] = argv;
      if (!name || name.startsWith('--')) throw new ConfigError('release needs a node name: reboot-manager release NODE');
      const config = parseOperatorConfig(rest, env);
      const { createKubeApi } = await import('../kube/rest-api.js');
      const { NodeCache } = await import('../kube/nodes.js');
      const { EventRecorder } = await import('../kube/events.js');
      const { releaseByHand } = await import('../coordinator/manual-release.js');
      const { systemClock: clock } = await import('../clock/clock.js');
      const api = createKubeApi(config.kubeconfig);
      const events = new EventRecorder(api, clock, { instance: 'reboot-manager-cli', onError: (err) => process.stderr.write(`reboot-manager: warning: ${err.message}\n`) });
      const result = await releaseByHand(new NodeCache({ api, clock }), clock, events, name, 'reboot-manager release');
      process.stdout.write(result.released ? `released the reboot slot of node ${name}${result.uncordoned ? ' and uncordoned it' : ''}\n` : `node ${name} held no reboot slot; nothing changed\n`);
      return 0;
    },
  },
  explain: {
    summary: 'Would a claim from NODE be granted now, and if not, every reason (asks a running server).',
    help: () =>
      helpText(
        'Usage: reboot-manager explain NODE --server URL [--group G] [options]\n\nExit status: 0 a claim would be granted now (or the node holds a slot and is drained); 1 it would wait (or a MaintenanceRequest holds the node); 2 bad usage; 3 no answer (server unreachable, unknown node).',
        explainOptions,
      ),
    async run(argv, env) {
      const [node, ...rest] = argv;
      if (!node || node.startsWith('--')) throw new ConfigError('explain needs a node name: reboot-manager explain NODE --server URL');
      const config = parseExplainConfig(rest, env);
      const { fetchExplanation, RemoteError } = await import('../status/remote.js');
      const { formatExplanation } = await import('./explain-text.js');
      const answer = await fetchExplanation(config.server, node, config.group).catch((err: unknown) => {
        throw err instanceof RemoteError ? new CommandFailure(err.message, 3) : err;
      });
      process.stdout.write(`${config.output === 'json' ? JSON.stringify(answer, null, 2) : formatExplanation(answer)}\n`);
      return answer.grantable ? 0 : 1;
    },
  },
  pause: {
    summary: 'Pause new reboots cluster-wide (spec.pause of RebootPolicy default); holders finish.',
    help: () => helpText('Usage: reboot-manager pause --reason TEXT [--by WHO] [options]\n\nExit status: 0 paused (also while the server rejects the rest of the spec); 1 not written; 2 bad usage.', pauseOptions),
    async run(argv, env) {
      const config = parsePauseConfig(argv, env);
      const { createOperatorKubeApi } = await import('../kube/rest-api.js');
      const { pauseReboots, restRejectedText: restRejected } = await import('../policy/pause-switch.js');
      const { byAndSince, describePause } = await import('../policy/pause-rule.js');
      const { systemClock: clock } = await import('../clock/clock.js');
      const { api, user } = createOperatorKubeApi(config.kubeconfig);
      const pause = { reason: config.reason, by: config.by ?? user, since: new Date(clock.now()).toISOString() };
      const result = await pauseReboots(api, pause);
      const out = [];
      if (result.created) out.push("created RebootPolicy default holding only spec.pause: the budgets stay the server's flags");
      if (result.replaced) out.push(`replaced the pause${byAndSince(result.replaced)}: ${result.replaced.reason}`);
      out.push(describePause(pause), 'claims are refused with this until `reboot-manager resume`; nodes holding a slot finish; urgent groups go on');
      if (result.rejected !== undefined) out.push(restRejected(result.rejected, 'the pause applies all the same'));
      process.stdout.write(`${out.join('\n')}\n`);
      return 0;
    },
  },
  resume: {
    summary: 'Lift the pause: new reboots may start again.',
    help: () => helpText('Usage: reboot-manager resume [options]\n\nExit status: 0 resumed, or was not paused; 1 not written; 2 bad usage.', resumeOptions),
    async run(argv, env) {
      const config = parseResumeConfig(argv, env);
      const { createOperatorKubeApi } = await import('../kube/rest-api.js');
      const { resumeReboots, restRejectedText: restRejected } = await import('../policy/pause-switch.js');
      const { byAndSince } = await import('../policy/pause-rule.js');
      const { lifted, rejected } = await resumeReboots(createOperatorKubeApi(config.kubeconfig).api);
      const out = [lifted ? `resumed: new reboots may start (lifted the pause${byAndSince(lifted)}: ${lifted.reason})` : 'new reboots were not paused; nothing changed'];
      if (rejected !== undefined) out.push(restRejected(rejected, 'lifting the pause applies all the same'));
      process.stdout.write(`${out.join('\n')}\n`);
      return 0;
    },
  },
  maintain: {
    summary: 'Ask for NODE out of service (a MaintenanceRequest): drained and approved within the reboot budget.',
    help: () =>
      helpText(
        'Usage: reboot-manager maintain NODE --reason TEXT [--wait] [options]\n\nExit status: 0 created (without --wait) or approved and started (--wait); 1 rejected, expired or not written; 2 bad usage; 130 Ctrl-C while waiting (the request is left as it is).',
        maintainOptions,
      ),
    async run(argv, env) {
      const config = parseMaintainConfig(argv, env);
      const { maintain } = await import('./maintain.js');
      return maintain(config);
    },
  },
  done: {
    summary: "Complete NODE's MaintenanceRequest: its slot is given back once the node is Ready.",
    help: () => helpText('Usage: reboot-manager done NODE [options]\n\nExit status: 0 completed (or completed already); 1 no live request for NODE, or not written; 2 bad usage.', doneOptions),
    async run(argv, env) {
      const config = parseDoneConfig(argv, env);
      const { done } = await import('./maintain.js');
      return done(config);
    },
  },
  'imds-agent': {
    summary: 'Azure scheduled-events agent, one per node (DaemonSet): takes the lock before Azure reboots the VM.',
    help: () => helpText('Usage: reboot-manager imds-agent --server <FleetLock URL> [options]', imdsAgentOptions),
    async run(argv, env) {
      const config = parseImdsAgentConfig(argv, env);
      const { createImdsAgent } = await import('../agent/run.js');
      const running = await createImdsAgent(config, { serveMetrics: true });
      running.agent.start();
      await untilSignal();
      await running.close();
      return 0;
    },
  },
  demo: {
    summary: 'Simulated cluster + the real server + simulated Zincati fleet; shows nodes rebooting in turn.',
    help: () => helpText('Usage: reboot-manager demo [options]', demoOptions),
    async run(argv) {
      const { runDemo } = await import('../sim/demo.js');
      return runDemo(argv);
    },
  },
};

