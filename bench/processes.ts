// Child processes the bench measures: started, waited on through their first output line, memory read from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts `node <script> <args>`; stderr passes through so failures are visible; stdout piped, or into an open file. */
export function startNode(script: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, stdout: 'pipe' | number = 'pipe'): Child {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', stdout, 'inherit'], env });
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Resolves with the first stdout line that parses as JSON (the child's "I am ready" line). */
export function firstJsonLine(child: Child, what: string): Promise<Record<string, unknown>> {
  const stdout = child.process.stdout;
  if (!stdout) return Promise.reject(new Error(`${what}: no stdout`));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: stdout });
    const onExit = (code: number | null): void => reject(new Error(`${what} exited (code ${code}) before it was ready`));
    child.process.once('exit', onExit);
    lines.on('line', (line) => {
      try {
        const parsed: unknown = JSON.parse(line);
        if (typeof parsed !== 'object' || parsed === null) return;
        child.process.off('exit', onExit);
        lines.close();
        stdout.resume(); // keep draining whatever else it prints
        resolve(parsed as Record<string, unknown>);
      } catch {
        // not the ready line
      }
    });
  });
}

/** A TCP port free on 127.0.0.1 right now, for a child that must be told its port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Memory {
  /** Resident set now, MiB. */
  readonly rssMiB: number;
  /** Peak resident set, MiB. */
  readonly peakMiB: number;
}

export async function memoryOf(pid: number): Promise<Memory> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

// /proc/<pid>/stat counts CPU time in clock ticks, 100 a second on Linux.
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) the process has used so far: a cost per request that sharing the cores does not hide. */
export async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may hold spaces: state is the 3rd field, utime the 14th, stime the 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}
