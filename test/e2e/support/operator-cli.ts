// `reboot-manager <command>` as an operator runs it: from dist, with their own kubeconfig and nothing else of ours.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO } from './e2e-cluster.js';

const run = promisify(execFile);

/** Resolves with stdout; rejects (with stderr in the message) on a non-zero exit. */
export async function rebootManager(kubeconfig: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [join(REPO, 'dist/src/cli/main.js'), ...args], { env: { PATH: process.env.PATH, KUBECONFIG: kubeconfig } });
  return stdout;
}
