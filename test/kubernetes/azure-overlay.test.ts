// kubernetes/azure renders with kubectl, and its agent DaemonSet is locked down and agrees with the server.
import t from 'tap';
import { parseImdsAgentConfig } from '../../src/agent/config.js';
import { parseServeConfig } from '../../src/config/serve.js';
import { KUBERNETES, envOf, kinds, render, type Doc } from '../support/manifests.js';

interface Container {
  args?: string[];
  env?: { name: string; value?: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

interface PodSpec {
  automountServiceAccountToken?: boolean;
  hostNetwork?: boolean;
  hostPID?: boolean;
  securityContext?: Record<string, unknown>;
  tolerations?: Record<string, unknown>[];
  containers: Container[];
  volumes?: { name: string; hostPath?: { path: string; type?: string } }[];
}

const find = (docs: Doc[], kind: string, name: string): Doc | undefined => docs.find((d) => d.kind === kind && d.metadata.name === name);
const podSpecOf = (doc: Doc | undefined): PodSpec => (doc?.spec as { template: { spec: PodSpec } } | undefined)?.template.spec ?? { containers: [] };

void t.test('kubectl kustomize kubernetes/azure: the base plus a locked-down agent DaemonSet', async (t) => {
  let base: Doc[];
  let azure: Doc[];
  try {
    [base, azure] = await Promise.all([render(KUBERNETES), render(`${KUBERNETES}azure`)]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return t.plan(0, 'kubectl is not installed');
    throw err;
  }
  t.same(kinds(azure), [...kinds(base), 'DaemonSet/reboot-manager-imds-agent'].sort(), 'everything in the base, plus the agent');
  t.notOk(find(base, 'DaemonSet', 'reboot-manager-imds-agent'), 'the base alone has no agent');

  const ds = find(azure, 'DaemonSet', 'reboot-manager-imds-agent');
  t.equal(ds?.metadata.namespace, 'reboot-manager');
  const pod = podSpecOf(ds);
  t.equal(pod.automountServiceAccountToken, false, 'no service-account token in the pod');
  t.notOk(pod.hostNetwork, 'IMDS is reached from the pod network');
  t.notOk(pod.hostPID);
  t.match(pod.securityContext, { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  t.ok((pod.securityContext?.runAsUser as number) > 0, 'a non-root uid');
  t.ok(pod.tolerations?.some((tol) => tol.operator === 'Exists' && tol.key === undefined && tol.effect === undefined), 'tolerates every taint: runs on every node');

  t.equal(pod.containers.length, 1);
  const [agent] = pod.containers;
  t.match(agent?.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  t.notOk(agent?.securityContext?.privileged);
  t.ok(agent?.resources?.requests?.cpu && agent.resources.requests.memory && agent.resources.limits?.memory, 'small requests and a memory limit');

  const hostPaths = (pod.volumes ?? []).filter((v) => v.hostPath);
  t.same(hostPaths.map((v) => v.hostPath?.path), ['/etc/machine-id'], "only the host's machine-id comes from the host");
  const mount = agent?.volumeMounts?.find((m) => m.name === hostPaths[0]?.name);
  t.equal(mount?.readOnly, true, 'mounted read-only');

  // The agent's own parser accepts the DaemonSet's flags; it reads the mounted file and talks to the Service.
  const config = parseImdsAgentConfig(agent?.args?.slice(1) ?? [], envOf(agent));
  t.equal(agent?.args?.[0], 'imds-agent');
  t.equal(config.machineIdFile, mount?.mountPath, 'the machine-id file is the mounted one');
  const service = find(azure, 'Service', 'reboot-manager');
  t.equal(new URL(config.server).host, `${service?.metadata.name}.${service?.metadata.namespace}.svc`, "the server is the Service's in-cluster name");
  t.equal(config.imdsUrl, 'http://169.254.169.254', 'the real IMDS address (only in the manifest; tests use the simulator)');

  // The server drains the agent's urgent group even when the budget is full.
  const server = podSpecOf(find(azure, 'Deployment', 'reboot-manager')).containers[0];
  const serve = parseServeConfig(server?.args?.slice(1) ?? [], envOf(server));
  t.ok(serve.urgentGroups.has(config.urgentGroup), `the server's urgent groups include the agent's (${config.urgentGroup})`);
  t.not(config.group, 'default', "the agent's ordinary group is not Zincati's");
});
