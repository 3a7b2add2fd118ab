// A real Kubernetes control plane on 127.0.0.1: etcd, kube-apiserver (TLS, RBAC, Node authorization,
// ServiceAccount tokens), kube-controller-manager, kube-scheduler and kwok as every node's kubelet.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { AdminClient } from './admin-client.js';
import { kitBinaries, KIT_DIR, type KitBinaries } from './build.js';
import { writeKubeconfig } from './kubeconfig.js';
import { makePki, type Pki } from './pki.js';
import { pollUntil } from './poll.js';
import { freePort } from './ports.js';
import { supervise, type SupervisedProcess } from './process.js';

const run = promisify(execFile);

export type Component = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok';

export interface ControlPlaneOptions {
  /** Extra kube-apiserver flags (e.g. --watch-cache=false). */
  readonly apiserverArgs?: readonly string[];
  /** Extra kube-controller-manager flags (e.g. --node-monitor-grace-period=24h for nodes nobody heartbeats). */
  readonly controllerManagerArgs?: readonly string[];
  /** Start kwok (default true); without it nodes are whatever the caller writes. */
  readonly kwok?: boolean;
  /** Keep the folder (logs, certificates, etcd data) after stop, e.g. to read the logs of a failed run. */
  readonly keep?: boolean;
}

export interface ControlPlane {
  /** The folder holding certificates, kubeconfigs, logs and etcd's data. */
  readonly dir: string;
  readonly server: string;
  readonly etcdUrl: string;
  readonly kubernetesVersion: string;
  readonly adminKubeconfig: string;
  readonly admin: AdminClient;
  readonly binaries: KitBinaries;
  /** kubectl of the kit's own version, as the admin unless the args say otherwise. */
  kubectl(args: readonly string[], opts?: { kubeconfig?: string; input?: string }): Promise<{ stdout: string; stderr: string }>;
  /** A kubeconfig authenticated as a ServiceAccount, with a token from the TokenRequest API. */
  serviceAccountKubeconfig(namespace: string, name: string, expirationSeconds?: number): Promise<string>;
  /** The component's process, e.g. to read its log. */
  process(component: Component): SupervisedProcess | undefined;
  /** Stops every process this control plane started, newest first; idempotent. */
  stop(): Promise<void>;
}

/** Waits for a component to come up; fails at once, with its log, if one of `processes` exits meanwhile. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, processes: readonly SupervisedProcess[]): Promise<T> {
  let exited: SupervisedProcess | undefined;
  for (const p of processes) void p.exited.then(() => (exited ??= p));
  try {
    return await pollUntil(what, async () => {
      if (exited) throw new Error(`${exited.name} exited while waiting for ${what}; its log (${exited.logFile}) ends:\n${exited.tail()}`);
      return await probe().catch(() => undefined); // not listening yet
    }, { intervalMs: 100 });
  } catch (err) {
    if (exited) throw err;
    throw new Error(`${(err as Error).message}; logs in ${processes.map((p) => p.logFile).join(', ')}`);
  }
}

function apiserverFlags(pki: Pki, port: number, etcdUrl: string): string[] {
  return [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${port}`,
    `--tls-cert-file=${pki.apiserver.cert}`, `--tls-private-key-file=${pki.apiserver.key}`,
    `--client-ca-file=${pki.caCert}`,
    '--authorization-mode=Node,RBAC',
    '--enable-admission-plugins=NodeRestriction',
    '--service-account-issuer=https://kubernetes.default.svc',
    `--service-account-key-file=${pki.serviceAccountPub}`, `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    '--profiling=false', '--shutdown-delay-duration=0s', '--v=1',
  ];
}

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const binaries = kitBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'reboot-manager-kit-'));
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  const started: SupervisedProcess[] = [];
  const byName = new Map<Component, SupervisedProcess>();
  const start = (name: Component, args: readonly string[]): SupervisedProcess => {
    const p = supervise(name, join(logs, `${name}.log`), binaries.path(name), args);
    started.push(p);
    byName.set(name, p);
    return p;
  };
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const p of [...started].reverse()) await p.stop();
    await admin?.close();
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  };
  let admin: AdminClient | undefined;
  try {
    const pki = makePki(dir);
    const [etcdPort, peerPort, apiPort, kwokPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const etcd = start('etcd', [
      '--name=kit', `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`, `--initial-advertise-peer-urls=${peerUrl}`, `--initial-cluster=kit=${peerUrl}`,
      // Test data: durability is not the point, and fsync on a shared CI disk is the slowest thing here.
      '--unsafe-no-fsync', '--log-level=warn',
    ]);
    await until('etcd /health', async () => {
      const res = await request(`${etcdUrl}/health`);
      const body = (await res.body.json()) as { health?: string };
      return body.health === 'true' ? true : undefined;
    }, [etcd]);

    const server = `https://127.0.0.1:${apiPort}`;
    const apiserver = start('kube-apiserver', [...apiserverFlags(pki, apiPort, etcdUrl), ...(options.apiserverArgs ?? [])]);
    admin = new AdminClient(server, { ca: pki.caCert, ...pki.admin });
    const client = admin;
    await until('kube-apiserver /readyz', async () => ((await client.call('GET', '/readyz')).status === 200 ? true : undefined), [etcd, apiserver]);

    const kubeconfig = (user: string, pair: { cert: string; key: string }): string =>
      writeKubeconfig(join(dir, `${user}.kubeconfig`), server, pki.caCert, user, pair);
    const adminKubeconfig = kubeconfig('admin', pki.admin);
    start('kube-controller-manager', [
      `--kubeconfig=${kubeconfig('controller-manager', pki.controllerManager)}`,
      '--secure-port=0', '--leader-elect=false', '--use-service-account-credentials=true',
      `--service-account-private-key-file=${pki.serviceAccountKey}`, `--root-ca-file=${pki.caCert}`,
      '--v=1', ...(options.controllerManagerArgs ?? []),
    ]);
    start('kube-scheduler', [`--kubeconfig=${kubeconfig('scheduler', pki.scheduler)}`, '--secure-port=0', '--leader-elect=false', '--v=1']);
    if (options.kwok !== false) {
      start('kwok', [
        `--kubeconfig=${kubeconfig('kwok', pki.kwok)}`, `--config=${join(KIT_DIR, 'kwok-stages.yaml')}`,
        '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
        `--server-address=127.0.0.1:${kwokPort}`, '--cidr=127.20.0.0/16', '--node-lease-duration-seconds=40',
      ]);
    }
    // The ServiceAccount controller has created `default` in `default`: the controllers are running.
    await until('the controller manager', async () => ((await client.call('GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200 ? true : undefined), started);
    for (const p of started) {
      void p.exited.then((code) => {
        if (!stopped) process.stderr.write(`kit: ${p.name} exited (${code}) while the control plane was up; its log ends:\n${p.tail()}\n`);
      });
    }

    return {
      dir,
      server,
      etcdUrl,
      kubernetesVersion: binaries.kubernetesVersion,
      adminKubeconfig,
      admin: client,
      binaries,
      kubectl: async (args, opts = {}) => {
        const child = run(binaries.path('kubectl'), [`--kubeconfig=${opts.kubeconfig ?? adminKubeconfig}`, ...args], { maxBuffer: 64 * 1024 * 1024 });
        if (opts.input !== undefined) child.child.stdin?.end(opts.input);
        return await child;
      },
      serviceAccountKubeconfig: async (namespace, name, expirationSeconds = 3600) => {
        const review = await client.ok<{ status: { token: string } }>('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
          apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds },
        });
        return writeKubeconfig(join(dir, `${namespace}-${name}.kubeconfig`), server, pki.caCert, `${namespace}:${name}`, { token: review.status.token });
      },
      process: (component) => byName.get(component),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
