// Public face of the Kubernetes API simulator: startKubeSim and the types tests and the demo use.
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../clock/clock.js';
import type { SimUser } from './auth.js';
import { Authenticator, kubeconfigYaml, userOf } from './auth.js';
import type { SimFaults } from './faults.js';
import { FaultRegistry } from './faults.js';
import type { MachineryOptions } from './machinery.js';
import { startMachinery } from './machinery.js';
import type { RuleRef, RuleUse } from './rbac.js';
import { Rbac } from './rbac.js';
import type { SimRequestLog } from './requests.js';
import { RequestLog } from './requests.js';
import { createApiServer } from './server.js';
import type { SimStore } from './sim-store.js';
import { WatchHub } from './watch.js';

export type { SimUser } from './auth.js';
export { REBOOT_MANAGER_USER } from './auth.js';
export type { FaultHandle, FaultSpec, SimFaults } from './faults.js';
export type { PolicyRule, RuleRef, RuleUse } from './rbac.js';
export type { RequestFilter, RequestRecord, SimRequestLog } from './requests.js';
export type { PodFilter, SimChange, SimStore, WaitOptions } from './sim-store.js';
export type { Condition, KubeObject, NodeObject, ObjectMeta, OwnerReference, PdbObject, PodObject } from './types.js';
export * from './fixtures.js';
export { addDeployment, addStatefulSet, type App, type AppOptions } from './apps.js';

/** Served over real HTTP to real clients, so always on the system clock. */
export interface KubeSimOptions extends Omit<MachineryOptions, 'clock'> {
  /** Folder of manifests whose Roles/ClusterRoles/bindings are enforced; default <repo>/kubernetes/base. */
  rbacDir?: string;
  port?: number;
  /** Real ms between watch bookmarks when a client allows them; default 1000. */
  bookmarkIntervalMs?: number;
}

export interface SimRbac {
  /** Manifest rules that authorised at least one request, with the verbs and resources they were used for. */
  usedRules(): RuleUse[];
  allRules(): RuleRef[];
  /** Every verb × resource granted by the manifests that no request used; with `user`, only by the roles bound to it. */
  unusedPermissions(user?: SimUser): { role: string; index: number; verb: string; resource: string }[];
  resetUsage(): void;
}

export interface KubeSim {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Kubeconfig YAML for the user (default admin): insecure-skip-tls-verify, bearer token. */
  kubeconfig(user?: SimUser): string;
  writeKubeconfig(path: string, user?: SimUser): Promise<void>;
  /** The bearer token the user's kubeconfig carries. */
  token(user?: SimUser): string;
  readonly store: SimStore;
  readonly faults: SimFaults;
  readonly requests: SimRequestLog;
  readonly rbac: SimRbac;
  /** Open watch streams, for tests that wait for a client to be watching. */
  openWatches(): number;
  close(): Promise<void>;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const DEFAULT_RBAC_DIR = join(HERE, '..', '..', '..', 'kubernetes', 'base');

/** The kubernetes/base/ folder of the repository, found from this file in src/ or dist/src/. */
async function defaultRbacDir(): Promise<string> {
  const { access } = await import('node:fs/promises');
  for (const candidate of [DEFAULT_RBAC_DIR, join(HERE, '..', '..', '..', '..', 'kubernetes', 'base')]) {
    try {
      await access(join(candidate, 'rbac.yaml'));
      return candidate;
    } catch {
      // try the next layout
    }
  }
  return DEFAULT_RBAC_DIR;
}

export async function startKubeSim(opts: KubeSimOptions = {}): Promise<KubeSim> {
  const rbac = await Rbac.load(opts.rbacDir ?? (await defaultRbacDir()));
  const machinery = startMachinery({ ...opts, clock: systemClock });
  const { store, deleter, simStore } = machinery;
  const hub = new WatchHub(store, { bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 1000 });
  const faults = new FaultRegistry((resource) => hub.drop(resource));
  const log = new RequestLog();
  const auth = new Authenticator();

  let address = '127.0.0.1:0';
  const server = createApiServer({ store, deleter, auth, rbac, faults, log, hub, serverAddress: () => address });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  address = `127.0.0.1:${port}`;
  const url = `http://${address}`;

  const kubeconfig = (user: SimUser = 'admin') => kubeconfigYaml(url, userOf(user).name, auth.tokenFor(user));
  return {
    url,
    kubeconfig,
    writeKubeconfig: (path, user) => writeFile(path, kubeconfig(user), { mode: 0o600 }),
    token: (user = 'admin') => auth.tokenFor(user),
    store: simStore,
    faults,
    requests: log,
    rbac: {
      usedRules: () => rbac.usedRules(),
      allRules: () => rbac.allRules(),
      unusedPermissions: (user) => rbac.unusedPermissions(user === undefined ? undefined : userOf(user)),
      resetUsage: () => rbac.resetUsage(),
    },
    openWatches: () => hub.openCount,
    close: async () => {
      machinery.close();
      hub.closeAll();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
