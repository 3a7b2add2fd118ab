// Runs the built `reboot-manager` binary as an operator would, with a kubeconfig and nothing else from the environment.
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Test } from 'tap';
import type { KubeSim } from '../../src/sim/kube/index.js';

const BIN = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const exec = promisify(execFile);

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** An admin kubeconfig for `sim`, in the test's folder. */
export async function adminKubeconfig(t: Test, sim: Pick<KubeSim, 'writeKubeconfig'>): Promise<string> {
  const path = `${t.testdir()}/admin`;
  await sim.writeKubeconfig(path, 'admin');
  return path;
}

export async function cli(kubeconfig: string, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, KUBECONFIG: kubeconfig } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

export interface RunningCli {
  /** Resolves with what the process printed once its stdout matches `pattern`. */
  printed(pattern: RegExp): Promise<string>;
  signal(name: NodeJS.Signals): void;
  readonly exited: Promise<CliResult>;
}

/** The binary left running, for a command that waits (`maintain --wait`): its output as it comes, a signal, its exit. */
export function startCli(kubeconfig: string, ...args: string[]): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, KUBECONFIG: kubeconfig } });
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const w of waiters) w();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr })));
  return {
    printed: (pattern) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(stdout)) resolve(stdout);
        };
        waiters.push(check);
        check();
        void exited.then((r) => reject(new Error(`exited ${r.code} before printing ${String(pattern)}:\n${r.stdout}${r.stderr}`)));
      }),
    signal: (name) => void child.kill(name),
    exited,
  };
}
