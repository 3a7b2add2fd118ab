// The kit's binaries: built (or found in the cache) by kit/build.sh from the versions pinned in kit/go.mod.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

// Compiled to dist/kit/, run from kit/ through tap's loader: either way the sources are in <repo>/kit.
const here = dirname(fileURLToPath(import.meta.url));
export const KIT_DIR = here.includes(`${join('dist', 'kit')}`) ? resolve(here, '..', '..', 'kit') : here;

export type KitBinary = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kubectl' | 'kwok';

export interface KitBinaries {
  readonly dir: string;
  readonly kubernetesVersion: string;
  path(name: KitBinary): string;
}

let cached: KitBinaries | undefined;

/** Runs kit/build.sh once per process: instant when the cache has this version, about 5 minutes cold. */
export function kitBinaries(): KitBinaries {
  if (cached) return cached;
  const dir = execFileSync('bash', [join(KIT_DIR, 'build.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop() ?? '';
  const version = /\/(v\d+\.\d+\.\d+)-[0-9a-f]+\/bin$/.exec(dir)?.[1] ?? 'unknown';
  cached = { dir, kubernetesVersion: version, path: (name) => join(dir, name) };
  return cached;
}
