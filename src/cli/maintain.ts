// `reboot-manager maintain NODE` and `done NODE`: a person's MaintenanceRequest, from creation to completion.
import { systemClock as clock } from '../clock/clock.js';
import type { DoneConfig, MaintainConfig } from '../config/operator.js';
import { createOperatorKubeApi } from '../kube/rest-api.js';
import { isTerminal, validSpec, type MaintenanceRequestView } from '../requests/request.js';
import { completeRequestFor, createRequest, isApproved, requestUpdates, setState } from '../requests/requester.js';
import { formatDuration } from '../slot/progress-text.js';
import { CommandFailure } from './failure.js';

/** How often `--wait` reads the request again. */
const POLL_MS = 1000;

const say = (...lines: string[]): void => void process.stdout.write(`${lines.join('\n')}\n`);
const time = (): string => new Date(clock.now()).toTimeString().slice(0, 8);

function ended(r: MaintenanceRequestView): CommandFailure {
  return new CommandFailure(`MaintenanceRequest ${r.name} ${r.status?.phase ?? 'ended'}: ${r.status?.message ?? ''}`, 1);
}

export async function maintain(config: MaintainConfig): Promise<number> {
  const { api, user } = createOperatorKubeApi(config.kubeconfig);
  const created = await createRequest(api, {
    nodeName: config.node,
    reason: config.reason,
    requester: config.requester ?? user,
    drain: !config.noDrain,
    group: config.group,
    startWithinSeconds: config.startWithin,
    finishWithinSeconds: config.finishWithin,
    ...(config.name === undefined ? {} : { name: config.name }),
  });
  const { name } = created;
  const start = `kubectl patch mr ${name} --type merge -p '{"spec":{"state":"InProgress"}}'`;
  if (!config.wait) {
    say(
      `created MaintenanceRequest ${name} for node ${config.node}`,
      `follow it:  kubectl get mr ${name} -w`,
      `wait for it:  kubectl wait --for=condition=Approved mr/${name} --timeout=-1s`,
      `once approved, start within ${formatDuration(config.startWithin * 1000)} (${start}), then: reboot-manager done ${config.node}`,
    );
    return 0;
  }

  say(`created MaintenanceRequest ${name} for node ${config.node}; waiting for approval (Ctrl-C stops waiting and leaves the request as it is)`);
  const stop = new AbortController();
  const interrupt = (): void => stop.abort();
  process.once('SIGINT', interrupt);
  let last: MaintenanceRequestView | undefined;
  try {
    for await (const r of requestUpdates(api, name, { clock, intervalMs: POLL_MS, signal: stop.signal })) {
      last = r;
      say(`${time()}  ${(r.status?.phase ?? '').padEnd(10)} ${r.status?.message ?? ''}`);
    }
  } finally {
    process.off('SIGINT', interrupt);
  }
  if (stop.signal.aborted || !last) {
    say(`stopped waiting: MaintenanceRequest ${name} is left as it is (${last?.status?.phase ?? 'not yet seen by reboot-manager'})`, `follow it: kubectl get mr ${name} -w; withdraw it: kubectl delete mr ${name}`);
    return 130;
  }
  if (!isApproved(last)) throw ended(last);

  const started = await setState(api, last, 'InProgress');
  if (!isApproved(started)) throw ended(started);
  say(
    `approved: node ${config.node} is ${config.noDrain ? 'yours (not drained: --no-drain)' : 'drained and yours'}`,
    `started: spec.state is InProgress; finish within ${formatDuration(config.finishWithin * 1000)}, or the request is reported overrun`,
    `when finished: reboot-manager done ${config.node} (the node's slot is given back once it is Ready)`,
  );
  return 0;
}

export async function done({ node, kubeconfig }: DoneConfig): Promise<number> {
  const { api } = createOperatorKubeApi(kubeconfig);
  const completion = await completeRequestFor(api, node);
  if (!completion) throw new CommandFailure(`no live MaintenanceRequest for node ${node} (kubectl get mr lists them; Completed, Expired and Rejected ones are over)`, 1);
  const { request, already, held } = completion;
  if (isTerminal(request) && validSpec(request)?.state !== 'Completed') throw ended(request);
  if (already) say(`MaintenanceRequest ${request.name} was completed already: ${request.status?.message ?? ''}`);
  else if (held) say(`completed MaintenanceRequest ${request.name}: the slot of node ${node} is given back once the node is Ready (kubectl get mr ${request.name} -w)`);
  else say(`completed MaintenanceRequest ${request.name} before it was approved: it ends, and anything it took of node ${node} is given back`);
  return 0;
}
