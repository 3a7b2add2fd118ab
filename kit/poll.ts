// Waiting on a condition another process makes true, where no watch can tell us: ask again until it holds.

export interface PollOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/** Resolves with `probe`'s first truthy value, asking every `intervalMs`; throws after `timeoutMs` naming `what`. */
export async function pollUntil<T>(what: string, probe: () => Promise<T | undefined | false | null>, opts: PollOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false && value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 200));
  }
}
