// One supervised process of the kit: its output in a log file, and gone when we are, however we end.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';

// A watchdog shell between us and the process: it forwards signal names written to its stdin and
// sends TERM (then KILL) when that pipe closes, which the kernel does for us even if we are SIGKILLed.
const WATCHDOG = `
exec 3<&0
"$@" </dev/null &
child=$!
halt() { kill -TERM "$child" 2>/dev/null; sleep 10; kill -KILL "$child" 2>/dev/null; }
# A signal to the whole process group (Ctrl-C, timeout(1)) must not orphan the process: pass it on.
trap '( halt ) &' TERM INT HUP
( while read -r sig <&3; do kill -"$sig" "$child" 2>/dev/null; done; halt ) &
reader=$!
status=0
while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done
kill "$reader" 2>/dev/null
exit "$status"
`;

export interface SupervisedProcess {
  readonly name: string;
  readonly logFile: string;
  /** Resolves with the exit code (null when killed by a signal) once the process is gone. */
  readonly exited: Promise<number | null>;
  /** Sends a signal to the process itself (not to the watchdog). */
  signal(signal: 'KILL' | 'TERM' | 'STOP' | 'CONT'): void;
  /** TERM, then KILL after 10 s; resolves when it is gone. */
  stop(): Promise<void>;
  /** The last lines of its log, for error messages. */
  tail(lines?: number): string;
}

export interface SuperviseOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export function supervise(name: string, logFile: string, command: string, args: readonly string[], opts: SuperviseOptions = {}): SupervisedProcess {
  const log = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn('/bin/sh', ['-c', WATCHDOG, `kit-${name}`, command, ...args], {
      stdio: ['pipe', log, log],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
  } finally {
    closeSync(log);
  }
  let running = true;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running = false;
      resolve(code);
    });
  });
  // A closed pipe is how we ask it to stop; an EPIPE after it died on its own is not news.
  child.stdin?.on('error', () => undefined);
  const tail = (lines = 20): string => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  return {
    name,
    logFile,
    exited,
    tail,
    signal(signal) {
      if (running) child.stdin?.write(`${signal}\n`);
    },
    async stop() {
      if (running) child.stdin?.end();
      await exited;
    },
  };
}
